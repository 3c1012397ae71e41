"""Private chats through python-telegram-bot's real HTTP stack against the fake Bot API."""

from __future__ import annotations

import asyncio
import io

import pytest

from bot.storage.gaps import gaps_command
from tests.fakebotapi import FakeBotAPI
from tests.telegram_support import running_bot, settings_for


@pytest.fixture
def fake():
    api = FakeBotAPI().start()
    yield api
    api.stop()


def _buttons(message: dict) -> list[dict]:
    markup = message.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("як знайти квартиру в місті", "uk", "Шукайте житло"),
        ("Wo melde ich meine Wohnung an?", "de", "Melden Sie Ihre Wohnung"),
        ("أين أسجل عنواني", "ar", "سجّل عنوانك"),
        ("tìm nhà thuê ở đâu", "vi", "Tìm nhà trên"),
        ("کجا آدرسم را ثبت کنم", "fa", "آدرس خود را"),
        ("怎么找房子", "zh", "在租房网站上找房"),
    ],
)
async def test_question_is_answered_in_the_persons_language(tmp_path, fake, text, lang, expected):
    async with running_bot(settings_for(tmp_path, fake), fake):
        fake.user_says(10, text, lang="en")
        await fake.wait_until(lambda: fake.sent_to(10))
    first = fake.sent_to(10)[0]
    assert expected in first["text"]
    assert any(b.get("url") for b in _buttons(first)), "links come as URL buttons"
    assert not fake.refused


async def test_start_greets_and_offers_language_picker_and_choice_is_kept(tmp_path, fake):
    settings = settings_for(tmp_path, fake)
    async with running_bot(settings, fake):
        fake.user_says(11, "/start", lang="uk")
        await fake.wait_until(lambda: len(fake.sent_to(11)) >= 2)
        picker = [b["callback_data"] for m in fake.sent_to(11) for b in _buttons(m)
                  if b.get("callback_data", "").startswith("l:")]
        assert "l:de" in picker and "l:zh" in picker
        fake.press(11, "l:de", lang="uk")
        await fake.wait_until(lambda: fake.calls_of("answerCallbackQuery"))
        await fake.wait_until(lambda: len(fake.sent_to(11)) >= 3)
    # After a restart the choice still holds.
    async with running_bot(settings, fake):
        before = len(fake.sent_to(11))
        fake.user_says(11, "/help", lang="uk")
        await fake.wait_until(lambda: len(fake.sent_to(11)) > before)
    assert not fake.refused
    from bot.storage import Storage

    storage = await Storage.open(settings.db_path)
    assert (await storage.persons.get(11)).chosen_lang == "de"
    await storage.close()


async def test_deep_link_opens_the_topic(tmp_path, fake):
    async with running_bot(settings_for(tmp_path, fake), fake):
        fake.user_says(12, "/start registration", lang="en")
        await fake.wait_until(lambda: fake.sent_to(12))
    assert "Register your address" in fake.sent_to(12)[0]["text"]


async def test_out_of_scope_offers_a_person_and_curators_see_the_gap(tmp_path, fake):
    settings = settings_for(tmp_path, fake)
    async with running_bot(settings, fake):
        for _ in range(2):
            fake.user_says(13, "can I bring my cat on the plane", lang="en")
        await fake.wait_until(lambda: len(fake.sent_to(13)) >= 2)
    assert "h:yes" in [b.get("callback_data") for b in _buttons(fake.sent_to(13)[0])]
    out = io.StringIO()
    assert await asyncio.to_thread(gaps_command, settings, out=out) == 0  # `kb gaps`
    line = out.getvalue().splitlines()[0]
    assert "can I bring my cat on the plane" in line and line.split()[0] == "2"


async def test_sticker_photo_voice_are_answered_politely(tmp_path, fake):
    async with running_bot(settings_for(tmp_path, fake), fake):
        for kind in ("sticker", "photo", "voice"):
            fake.user_sends(14, kind, lang="de")
        await fake.wait_until(lambda: len(fake.sent_to(14)) >= 3)
    assert all(m.get("text") for m in fake.sent_to(14))
    assert not fake.refused


async def test_a_4090_character_message_is_handled(tmp_path, fake):
    long_text = ("Wo melde ich meine Wohnung an? " * 200)[:4090]
    async with running_bot(settings_for(tmp_path, fake), fake):
        fake.user_says(15, long_text, lang="de")
        await fake.wait_until(lambda: fake.sent_to(15))
    assert not fake.refused


async def test_forged_and_stale_buttons_get_a_polite_note(tmp_path, fake):
    async with running_bot(settings_for(tmp_path, fake), fake):
        for data in ("i:no_such_topic", "rate:999:3", "rate:x", "garbage" * 9, "l:xx"):
            fake.press(16, data)
        await fake.wait_until(lambda: len(fake.calls_of("answerCallbackQuery")) >= 5)
        await fake.wait_until(lambda: len(fake.sent_to(16)) >= 3)
    assert not fake.refused


async def test_staff_commands_from_a_private_chat_do_nothing(tmp_path, fake):
    async with running_bot(settings_for(tmp_path, fake), fake):
        for command in ("/stats", "/tickets", "/close", "/answer registration"):
            fake.user_says(17, command)
        fake.user_says(17, "/help")  # the marker: handled after the others
        await fake.wait_until(lambda: fake.sent_to(17))
    texts = fake.texts_to(17)
    assert len(texts) == 1 and "Open tickets" not in texts[0] and "Questions" not in texts[0]


async def test_delete_my_data_asks_then_deletes(tmp_path, fake):
    settings = settings_for(tmp_path, fake)
    async with running_bot(settings, fake):
        fake.press(18, "l:uk")
        await fake.wait_until(lambda: fake.sent_to(18))
        fake.user_says(18, "/delete_my_data")
        await fake.wait_until(lambda: len(fake.sent_to(18)) >= 2)
        assert "del:yes" in [b.get("callback_data") for b in _buttons(fake.sent_to(18)[-1])]
        fake.press(18, "del:yes")
        await fake.wait_until(lambda: len(fake.sent_to(18)) >= 3)
    from bot.storage import Storage

    storage = await Storage.open(settings.db_path)
    assert await storage.persons.get(18) is None
    await storage.close()


async def test_other_groups_get_one_note_and_the_bot_leaves(tmp_path, fake):
    async with running_bot(settings_for(tmp_path, fake), fake):
        fake.bot_added_to_group(-555)
        await fake.wait_until(lambda: fake.left_chats)
    assert fake.left_chats == [-555]
    assert len(fake.sent_to(-555)) == 1


async def test_commands_are_registered_in_every_language(tmp_path, fake):
    async with running_bot(settings_for(tmp_path, fake), fake):
        await fake.wait_until(lambda: len(fake.calls_of("setMyCommands")) >= 9)
    languages = {key[1] for key in fake.commands}
    assert {"en", "de", "uk", "ar", "vi", "fa", "zh", None} <= languages
    names = {c["command"] for c in fake.commands[next(iter(fake.commands))]}
    assert {"start", "help", "language", "human", "events", "privacy", "delete_my_data"} <= names
