"""The database schema, as an ordered list of migrations (``PRAGMA user_version`` = last applied).

Add a table by appending a :class:`Migration` with the next version number; never edit one that
has shipped, since databases in the field already ran it. Other modules (events, ...) append here.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.events.schema import EVENTS_SCHEMA

__all__ = ["MIGRATIONS", "Migration"]


@dataclass(frozen=True)
class Migration:
    """One schema step: ``version`` is the ``user_version`` the database has after it."""

    version: int
    name: str
    sql: str


_INITIAL = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- A person is kept for the language choice and what the next button press needs.
CREATE TABLE persons (
    user_id       INTEGER PRIMARY KEY,
    chat_id       INTEGER NOT NULL,
    chosen_lang   TEXT,
    app_lang      TEXT,
    last_lang     TEXT,
    last_question TEXT,
    updated_at    REAL NOT NULL
);

CREATE TABLE tickets (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id              INTEGER NOT NULL,
    chat_id              INTEGER NOT NULL,
    lang                 TEXT NOT NULL,
    status               TEXT NOT NULL DEFAULT 'open',
    staff_chat_id        INTEGER,
    thread_id            INTEGER,
    question             TEXT,
    intent               TEXT,
    score                REAL,
    created_at           REAL NOT NULL,
    first_staff_reply_at REAL,
    closed_at            REAL,
    rating               INTEGER
);
CREATE UNIQUE INDEX tickets_one_open ON tickets(user_id) WHERE status = 'open';
CREATE INDEX tickets_thread ON tickets(staff_chat_id, thread_id);
CREATE INDEX tickets_created ON tickets(created_at);

-- Which staff-group message belongs to which ticket (both directions), so replies find the person.
CREATE TABLE message_map (
    staff_chat_id     INTEGER NOT NULL,
    staff_message_id  INTEGER NOT NULL,
    ticket_id         INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    person_message_id INTEGER,
    direction         TEXT NOT NULL,
    created_at        REAL NOT NULL,
    PRIMARY KEY (staff_chat_id, staff_message_id)
);
CREATE INDEX message_map_ticket ON message_map(ticket_id);

-- Durable intake: every update is stored before Telegram is told it arrived.
-- state 0 = to do, 1 = done, 2 = given up. The payload is dropped once done.
CREATE TABLE inbox (
    update_id   INTEGER PRIMARY KEY,
    chat_id     INTEGER,
    payload     TEXT,
    state       INTEGER NOT NULL DEFAULT 0,
    attempts    INTEGER NOT NULL DEFAULT 0,
    received_at REAL NOT NULL,
    done_at     REAL
);
CREATE INDEX inbox_todo ON inbox(state, update_id);

-- Results of the Bot API calls made while handling an update: a replay after a crash
-- returns these instead of sending again.
CREATE TABLE sent_journal (
    update_id INTEGER NOT NULL,
    seq       INTEGER NOT NULL,
    endpoint  TEXT NOT NULL,
    result    TEXT,
    PRIMARY KEY (update_id, seq)
);

-- Questions for /stats and curators. `text` and `guesses` only for gaps (unanswered or weak),
-- dropped after the retention period.
CREATE TABLE questions (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id  INTEGER,
    asked_at REAL NOT NULL,
    lang     TEXT NOT NULL,
    answered INTEGER NOT NULL,
    gap      INTEGER NOT NULL,
    intent   TEXT,
    score    REAL,
    text     TEXT,
    guesses  TEXT
);
CREATE INDEX questions_time ON questions(asked_at);
CREATE INDEX questions_gap ON questions(gap, asked_at);
"""

#: Every schema step, in order. Append only.
MIGRATIONS: list[Migration] = [
    Migration(1, "persons, tickets, message map, inbox, journal, questions", _INITIAL),
    Migration(2, "events: reminders, checklists, event subscriptions", EVENTS_SCHEMA),
]
