"""Handoff to the Welcome Center staff group: topics, replies both ways, /answer, /close, restarts."""

from __future__ import annotations

import pytest

from tests.fakebotapi import STAFF_CHAT_ID, FakeBotAPI
from tests.telegram_support import all_handled, running_bot, settings_for

PERSON = 21


@pytest.fixture
def fake():
    api = FakeBotAPI().start()
    yield api
    api.stop()


async def _open_ticket(fake: FakeBotAPI, *, lang: str = "uk") -> int:
    fake.user_says(PERSON, "чи можу я взяти кота в літак", lang=lang)
    await fake.wait_until(lambda: fake.sent_to(PERSON))
    fake.press(PERSON, "h:yes", lang=lang)
    await fake.wait_until(lambda: fake.topics, what="a topic")
    await fake.wait_until(lambda: len(fake.sent_to(PERSON)) >= 3, what="expectation note")
    return next(iter(fake.topics))


async def test_accepting_the_offer_opens_a_topic_with_a_header(tmp_path, fake):
    async with running_bot(settings_for(tmp_path, fake), fake):
        thread = await _open_ticket(fake)
        await fake.wait_until(lambda: fake.sent_to(STAFF_CHAT_ID))
    topic = fake.topics[thread]
    assert "#1" in topic["name"] and "uk" in topic["name"]
    header = [m for m in fake.sent_to(STAFF_CHAT_ID) if m.get("text", "").startswith("🎫")][0]
    assert header["message_thread_id"] == thread
    assert "чи можу я взяти кота в літак" in header["text"]
    assert "(uk)" in header["text"]
    assert not fake.refused


async def test_messages_go_both_ways_and_survive_a_restart(tmp_path, fake):
    settings = settings_for(tmp_path, fake)
    async with running_bot(settings, fake):
        thread = await _open_ticket(fake)
        fake.user_says(PERSON, "у мене кіт 5 кг", lang="uk")
        fake.user_sends(PERSON, "photo", lang="uk")
        await fake.wait_until(lambda: len([m for m in fake.sent_to(STAFF_CHAT_ID)
                                           if m.get("copied_from")]) >= 2)
        fake.staff_says("Hallo! Ja, bis 8 kg in der Kabine.", thread_id=thread)
        await fake.wait_until(lambda: any("8 kg" in t for t in fake.texts_to(PERSON)))
        before = len(fake.sent_to(PERSON))
        fake.user_says(PERSON, "/human", lang="uk")  # already in touch: no second ticket
        await fake.wait_until(lambda: len(fake.sent_to(PERSON)) > before)
        assert len(fake.topics) == 1
    copies = [m for m in fake.sent_to(STAFF_CHAT_ID) if m.get("copied_from")]
    assert all(m["message_thread_id"] == thread for m in copies)
    assert any("photo" in m for m in copies)
    # Restart in the middle of the ticket: it is still open and both directions still work.
    async with running_bot(settings, fake):
        fake.user_says(PERSON, "дякую, а собака?", lang="uk")
        await fake.wait_until(lambda: any(m.get("text") == "дякую, а собака?"
                                          for m in fake.sent_to(STAFF_CHAT_ID)))
        fake.staff_says(kind="photo", thread_id=thread)
        await fake.wait_until(lambda: any("photo" in m for m in fake.sent_to(PERSON)))
        fake.staff_says("/answer registration", thread_id=thread)
        await fake.wait_until(lambda: any("Зареєструйте адресу" in t
                                          for t in fake.texts_to(PERSON)))
        fake.staff_says("/tickets")
        await fake.wait_until(lambda: any(t.startswith("Open tickets")
                                          for t in fake.texts_to(STAFF_CHAT_ID)))
        listing = [t for t in fake.texts_to(STAFF_CHAT_ID) if t.startswith("Open tickets")][0]
        assert "#1 · uk" in listing and f"https://t.me/c/1234567890/{thread}" in listing
        fake.staff_says("/close", thread_id=thread)
        await fake.wait_until(lambda: fake.topics[thread]["closed"])
        closing = fake.sent_to(PERSON)[-1]
        rate = [b["callback_data"] for row in closing["reply_markup"]["inline_keyboard"]
                for b in row]
        fake.press(PERSON, rate[0], lang="uk")
        await fake.wait_until(lambda: len(fake.calls_of("answerCallbackQuery")) >= 2)
        # After closing, the person talks to the bot again.
        before = len(fake.sent_to(PERSON))
        fake.user_says(PERSON, "як знайти квартиру", lang="uk")
        await fake.wait_until(lambda: len(fake.sent_to(PERSON)) > before)
        assert "Шукайте житло" in fake.sent_to(PERSON)[-1]["text"]
        await all_handled(settings)  # the question is counted just after its answer went out
        fake.staff_says("/stats", thread_id=thread)
        fake.staff_says("/tickets")
        await fake.wait_until(lambda: any("No open tickets" in t
                                          for t in fake.texts_to(STAFF_CHAT_ID)))
    stats = [t for t in fake.texts_to(STAFF_CHAT_ID) if t.startswith("Last 7 days")][0]
    assert "Questions: 2" in stats and "Handed to staff: 1" in stats
    assert "Median time to the first staff reply" in stats and "no replies yet" not in stats
    assert not fake.refused


async def test_staff_group_without_topics_uses_replies(tmp_path):
    fake = FakeBotAPI(staff_is_forum=False).start()
    try:
        async with running_bot(settings_for(tmp_path, fake), fake):
            fake.user_says(PERSON, "/human", lang="de")
            # The person is told what happens next once the ticket is fully recorded.
            await fake.wait_until(lambda: len(fake.sent_to(PERSON)) >= 2)
            header = fake.sent_to(STAFF_CHAT_ID)[0]
            assert "message_thread_id" not in header
            fake.staff_says("Guten Tag, wie können wir helfen?", reply_to=header["message_id"])
            await fake.wait_until(lambda: any("wie können wir" in t for t in fake.texts_to(PERSON)))
            fake.staff_says("unrelated chatter among staff")
            fake.staff_says("/close", reply_to=header["message_id"])
            await fake.wait_until(lambda: fake.sent_to(PERSON)[-1].get("reply_markup"))
        assert not fake.topics and not fake.refused
    finally:
        fake.stop()


async def test_without_a_staff_group_handoff_gives_contact_details(tmp_path, fake):
    async with running_bot(settings_for(tmp_path, fake, staff=False), fake):
        fake.user_says(PERSON, "/human", lang="en")
        await fake.wait_until(lambda: fake.sent_to(PERSON))
    assert "welcome@example.org" in fake.sent_to(PERSON)[0]["text"]
    assert not fake.topics


async def test_rate_limited_sends_are_retried_not_dropped(tmp_path, fake):
    async with running_bot(settings_for(tmp_path, fake), fake):
        fake.flood = [1]  # the next send is refused with retry_after=1
        fake.user_says(PERSON, "Wo melde ich meine Wohnung an?", lang="de")
        await fake.wait_until(lambda: fake.sent_to(PERSON))
    assert "Melden Sie" in fake.sent_to(PERSON)[0]["text"]
