"""`welcomebot run` killed with SIGKILL mid-way and restarted: everyone answered exactly once.

The kill comes while the bot is busy: updates stored but not handled, handlers waiting for
Telegram, calls on their way. No client can know whether a call that Telegram accepted in the
very millisecond of the crash was recorded, so the fake server holds new calls (they stay "on the
way") for the kill and then drops them, as a dead connection would.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakebotapi import STAFF_CHAT_ID, FakeBotAPI
from tests.telegram_support import write_kb

PEOPLE = 60
QUESTIONS = ["Wo melde ich meine Wohnung an?", "як знайти квартиру", "怎么找房子",
             "tìm nhà thuê ở đâu", "أين أسجل عنواني", "کجا آدرسم را ثبت کنم"]
ROOT = Path(__file__).resolve().parent.parent


def _start(env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=log.open("ab"))


@pytest.fixture
def fake():
    api = FakeBotAPI().start()
    yield api
    api.stop()


async def test_kill_9_loses_nothing_and_answers_nobody_twice(tmp_path, fake):
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": fake.token,
        "WELCOMEBOT_BOT_API_URL": fake.base_url,
        "WELCOMEBOT_DB": str(tmp_path / "db" / "bot.sqlite3"),
        "WELCOMEBOT_KNOWLEDGE": str(write_kb(tmp_path / "kb")),
        "WELCOMEBOT_STAFF_CHAT_ID": "",
    }
    log = tmp_path / "bot.log"
    people = range(1000, 1000 + PEOPLE)
    for n, person in enumerate(people):
        fake.user_says(person, QUESTIONS[n % len(QUESTIONS)], lang="en")

    def answered() -> int:
        return sum(1 for p in people if fake.sent_to(p))

    bot = _start(env, log)
    try:
        await fake.wait_until(lambda: answered() >= PEOPLE // 3, timeout=240,
                              what="a third answered")
        fake.hold()
        await asyncio.sleep(0.5)  # calls Telegram already answered are recorded by now
        bot.send_signal(signal.SIGKILL)
        bot.wait()
        fake.release(drop=True)
        killed_at = answered()
        assert killed_at < PEOPLE, "killed too late to prove anything"
        bot = _start(env, log)
        late = 5000
        fake.user_says(late, "Wo melde ich meine Wohnung an?", lang="de")
        await fake.wait_until(lambda: answered() == PEOPLE and fake.sent_to(late), timeout=240,
                              what="everyone answered after the restart")
        bot.send_signal(signal.SIGTERM)
        assert bot.wait(timeout=30) == 0, log.read_text()
    finally:
        if bot.poll() is None:
            bot.kill()
    counts = {p: len(fake.sent_to(p)) for p in people}
    assert all(c == 1 for c in counts.values()), {p: c for p, c in counts.items() if c != 1}
    assert not fake.refused
    assert fake.token not in log.read_text(), "the token must never be logged"


async def test_staff_replies_confirmed_to_telegram_but_unhandled_survive_kill_9(tmp_path, fake):
    """Telegram forgets updates once the offset moves past them; the inbox must not."""
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": fake.token,
        "WELCOMEBOT_BOT_API_URL": fake.base_url,
        "WELCOMEBOT_DB": str(tmp_path / "db" / "bot.sqlite3"),
        "WELCOMEBOT_KNOWLEDGE": str(write_kb(tmp_path / "kb")),
        "WELCOMEBOT_STAFF_CHAT_ID": str(STAFF_CHAT_ID),
    }
    log = tmp_path / "bot.log"
    person = 77
    bot = _start(env, log)
    try:
        fake.user_says(person, "/human", lang="vi")
        await fake.wait_until(lambda: len(fake.sent_to(person)) >= 2, timeout=240,
                              what="ticket opened")
        thread = next(iter(fake.topics))
        fake.hold()  # the bot still fetches updates, but nothing it sends gets through
        replies = [fake.staff_says(f"Reply {n} from staff", thread_id=thread)["update_id"]
                   for n in range(3)]
        await fake.wait_until(lambda: fake.confirmed_up_to >= max(replies), timeout=60,
                              what="Telegram told the updates arrived")
        bot.send_signal(signal.SIGKILL)
        bot.wait()
        fake.release(drop=True)
        bot = _start(env, log)
        await fake.wait_until(
            lambda: sum("Reply" in t for t in fake.texts_to(person)) >= 3, timeout=240,
            what="staff replies relayed after the restart")
        bot.send_signal(signal.SIGTERM)
        assert bot.wait(timeout=30) == 0
    finally:
        if bot.poll() is None:
            bot.kill()
    relayed = [t for t in fake.texts_to(person) if "Reply" in t]
    assert len(relayed) == 3 and all(f"Reply {n} from staff" in relayed[n] for n in range(3))
