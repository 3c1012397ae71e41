"""A Bot API server that knows only the essentials still gets a working bot.

Self-hosted or test servers may not implement setMyCommands or deleteWebhook; menus are a
convenience, so the bot logs the failure and goes on answering people.
"""

from __future__ import annotations

import pytest

from tests.fakebotapi import FakeBotAPI, _BadRequest
from tests.telegram_support import running_bot, settings_for


class MinimalBotAPI(FakeBotAPI):
    def _m_setMyCommands(self, params: dict) -> bool:  # noqa: N802
        raise _BadRequest("Not Found: method not implemented")

    def _m_deleteWebhook(self, params: dict) -> bool:  # noqa: N802
        raise _BadRequest("Not Found: method not implemented")


@pytest.fixture
def fake():
    api = MinimalBotAPI().start()
    yield api
    api.stop()


async def test_bot_answers_although_menus_and_webhook_calls_fail(tmp_path, fake):
    async with running_bot(settings_for(tmp_path, fake), fake):
        fake.user_says(31, "Wo melde ich meine Wohnung an?", lang="de")
        await fake.wait_until(lambda: fake.texts_to(31), what="an answer despite failed setMyCommands")
        await fake.wait_until(lambda: any(r[0] == "setMyCommands" for r in fake.refused), what="menus refused")
        fake.user_says(31, "danke, und wo finde ich eine Wohnung?", lang="de")
        await fake.wait_until(lambda: len(fake.texts_to(31)) >= 2, what="the bot keeps running after that")
    assert "Melden Sie" in fake.texts_to(31)[0]
