"""The events module's tables, as one migration step appended to
:data:`bot.storage.migrations.MIGRATIONS` (kept free of imports, so storage can import it).
"""

__all__ = ["EVENTS_SCHEMA"]

EVENTS_SCHEMA = """
-- Messages the bot promised to send later. A pending row is sent once its time has come
-- (state 1 = sent, 2 = given up: the person blocked the bot or the event is gone).
CREATE TABLE reminders (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id  INTEGER NOT NULL,
    chat_id  INTEGER NOT NULL,
    kind     TEXT NOT NULL,
    ref      TEXT NOT NULL,
    lang     TEXT NOT NULL,
    due_at   REAL NOT NULL,
    state    INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    sent_at  REAL
);
CREATE UNIQUE INDEX reminders_one_pending ON reminders(user_id, kind, ref) WHERE state = 0;
CREATE INDEX reminders_due ON reminders(state, due_at);

-- A newcomer's checklist: the moving-in date given once, the groups that apply, ticked items.
CREATE TABLE checklists (
    user_id    INTEGER PRIMARY KEY,
    chat_id    INTEGER NOT NULL,
    moved_in   TEXT,
    audiences  TEXT NOT NULL DEFAULT '',
    updated_at REAL NOT NULL
);
CREATE TABLE checklist_done (
    user_id INTEGER NOT NULL,
    item    TEXT NOT NULL,
    done_at REAL NOT NULL,
    PRIMARY KEY (user_id, item)
);

-- Who asked to hear about new events for an audience ("everyone" = all new events).
CREATE TABLE event_subscriptions (
    user_id  INTEGER NOT NULL,
    chat_id  INTEGER NOT NULL,
    audience TEXT NOT NULL,
    lang     TEXT NOT NULL,
    since    REAL NOT NULL,
    PRIMARY KEY (user_id, audience)
);
"""
