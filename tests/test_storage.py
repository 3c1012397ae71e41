"""The database keeps what the bot promises to keep, survives reopening, and forgets on request."""

from __future__ import annotations

import time

import pytest

from bot.storage import DIRECTION_OUT, Database, Migration, PersonRecord, SchemaError, Storage
from bot.storage.gaps import format_gaps
from bot.storage.migrations import MIGRATIONS
from bot.storage.questions import DAY, Guess


@pytest.fixture
async def storage(tmp_path):
    store = await Storage.open(tmp_path / "sub" / "bot.sqlite3")
    yield store
    await store.close()


async def test_creates_folder_wal_and_schema_version(tmp_path):
    path = tmp_path / "deep" / "folder" / "db.sqlite3"
    store = await Storage.open(path)
    assert path.exists()
    assert await store.db.scalar("PRAGMA journal_mode") == "wal"
    assert await store.db.scalar("PRAGMA user_version") == len(MIGRATIONS)
    await store.close()


async def test_appended_migration_runs_once_on_an_existing_database(tmp_path):
    path = tmp_path / "db.sqlite3"
    db = await Database.open(path)
    await db.close()
    extra = [*MIGRATIONS, Migration(len(MIGRATIONS) + 1, "events", "CREATE TABLE ev (id INTEGER);")]
    db = await Database.open(path, migrations=extra)
    assert await db.scalar("PRAGMA user_version") == len(extra)
    await db.execute("INSERT INTO ev VALUES (1)")
    await db.close()
    db = await Database.open(path, migrations=extra)  # no second CREATE TABLE
    assert await db.scalar("SELECT COUNT(*) FROM ev") == 1
    await db.close()
    with pytest.raises(SchemaError):  # an older program must not touch a newer database
        await Database.open(path)


async def test_language_choice_survives_reopening(tmp_path):
    path = tmp_path / "db.sqlite3"
    store = await Storage.open(path)
    await store.persons.save(PersonRecord(user_id=7, chat_id=7, chosen_lang="uk"))
    await store.close()
    store = await Storage.open(path)
    person = await store.persons.get(7)
    assert person is not None and person.chosen_lang == "uk"
    await store.close()


async def test_ticket_lifecycle_and_message_map(storage):
    ticket = await storage.tickets.create(
        user_id=5, chat_id=5, lang="ar", question="where?", intent=None, score=0.2
    )
    await storage.tickets.attach(ticket.id, staff_chat_id=-100, thread_id=42)
    assert (await storage.tickets.by_thread(-100, 42)).id == ticket.id
    assert (await storage.tickets.open_for(5)).id == ticket.id
    await storage.tickets.map_message(
        ticket.id, staff_chat_id=-100, staff_message_id=9, person_message_id=None,
        direction=DIRECTION_OUT,
    )
    assert (await storage.tickets.by_staff_message(-100, 9)).id == ticket.id
    assert (await storage.tickets.get(ticket.id)).first_staff_reply_at is not None
    assert await storage.tickets.close(ticket.id)
    assert not await storage.tickets.close(ticket.id)
    assert await storage.tickets.open_for(5) is None
    assert await storage.tickets.rate(ticket.id, 5, 5)
    assert not await storage.tickets.rate(ticket.id, 6, 1)  # not their ticket


async def test_inbox_ignores_a_repeated_update_and_moves_the_offset(storage):
    update = {"update_id": 10, "message": {"chat": {"id": 3}, "text": "hi"}}
    assert await storage.inbox.store([update]) == 1
    assert await storage.inbox.store([update]) == 0
    assert await storage.inbox.offset() == 11
    todo = await storage.inbox.todo()
    assert [item.update_id for item in todo] == [10] and todo[0].chat_id == 3
    await storage.journal.put(10, 0, "sendMessage", {"message_id": 1})
    assert await storage.journal.get(10, 0) == {"message_id": 1}
    await storage.inbox.finish(10)
    assert await storage.inbox.todo() == []
    assert await storage.journal.get(10, 0) is None
    assert await storage.inbox.store([update]) == 0  # handled ids are remembered


async def test_delete_my_data_removes_person_tickets_and_questions(storage):
    await storage.persons.save(PersonRecord(user_id=8, chat_id=8, chosen_lang="fa"))
    ticket = await storage.tickets.create(
        user_id=8, chat_id=8, lang="fa", question="q", intent=None, score=None
    )
    await storage.tickets.map_message(
        ticket.id, staff_chat_id=-1, staff_message_id=1, person_message_id=1, direction="in"
    )
    await storage.questions.record(
        user_id=8, lang="fa", answered=False, gap=True, intent=None, score=0.1, text="secret"
    )
    await storage.persons.forget(8, 8)
    assert await storage.persons.get(8) is None
    assert await storage.tickets.get(ticket.id) is None
    assert await storage.tickets.by_staff_message(-1, 1) is None
    assert await storage.questions.gaps() == []


async def test_gaps_group_by_question_and_keep_best_guesses(storage):
    for text in ("Driving licence?", "driving  licence", "where is the zoo"):
        await storage.questions.record(
            user_id=1, lang="en", answered=False, gap=True, intent=None, score=0.3, text=text,
            guesses=(Guess("registration", 0.3), Guess("housing", 0.2)),
        )
    await storage.questions.record(
        user_id=1, lang="de", answered=True, gap=False, intent="housing", score=0.9, text="wohnung"
    )
    gaps = await storage.questions.gaps()
    assert [g.count for g in gaps] == [2, 1]
    assert gaps[0].guesses[0].intent == "registration"
    assert "registration 0.30" in format_gaps(gaps)
    stats = await storage.questions.stats()
    assert stats.questions == 4 and stats.answered == 1 and stats.by_language == {"en": 3, "de": 1}


async def test_question_texts_are_dropped_after_retention(storage):
    old = time.time() - 100 * DAY
    await storage.questions.record(
        user_id=1, lang="en", answered=False, gap=True, intent=None, score=0.1, text="old", at=old
    )
    await storage.questions.record(
        user_id=1, lang="en", answered=False, gap=True, intent=None, score=0.1, text="new"
    )
    await storage.housekeeping(retention_days=90)
    assert [g.text for g in await storage.questions.gaps()] == ["new"]
    assert (await storage.questions.stats(days=365)).questions == 2  # counts stay
