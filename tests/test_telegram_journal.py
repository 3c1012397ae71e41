"""The replay journal: an update handled again after a crash does not send its messages again."""

from __future__ import annotations

import pytest
from telegram import Bot

from bot.storage import Storage
from bot.telegram.journal import JournalingRequest, UpdateScope, update_scope
from tests.fakebotapi import FakeBotAPI


@pytest.fixture
def fake():
    api = FakeBotAPI().start()
    yield api
    api.stop()


async def test_a_replayed_update_returns_recorded_results_instead_of_sending(tmp_path, fake):
    storage = await Storage.open(tmp_path / "db.sqlite3")
    bot = Bot(fake.token, base_url=fake.base_url, request=JournalingRequest())
    async with bot:
        with update_scope(UpdateScope(7, storage.journal)):  # first attempt, then "crash"
            first = await bot.send_message(41, "Hallo")
        with update_scope(UpdateScope(7, storage.journal)):  # the same update after a restart
            again = await bot.send_message(41, "Hallo")
            extra = await bot.send_message(41, "and one more")  # new on this path: sent
        with update_scope(UpdateScope(8, storage.journal)):
            await bot.send_message(41, "another update")
    assert again.message_id == first.message_id
    assert fake.texts_to(41) == ["Hallo", "and one more", "another update"]
    assert extra.message_id != first.message_id
    await storage.close()


async def test_a_replay_on_another_path_gets_no_stale_result(tmp_path, fake):
    storage = await Storage.open(tmp_path / "db.sqlite3")
    bot = Bot(fake.token, base_url=fake.base_url, request=JournalingRequest())
    async with bot:
        with update_scope(UpdateScope(9, storage.journal)):
            await bot.send_message(42, "first path")
        with update_scope(UpdateScope(9, storage.journal)):  # now call 0 is a different method
            answered = await bot.answer_callback_query("123")
    assert answered is True
    await storage.close()
