"""Webhook mode: the secret token is checked, and an update is stored before Telegram gets 200."""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest

from bot.engine import Engine
from bot.kb import load_knowledge
from bot.matching import Matcher
from bot.telegram.app import serve
from tests.fakebotapi import FakeBotAPI
from tests.telegram_support import THRESHOLD, settings_for

SECRET = "s3cret-token"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def fake():
    api = FakeBotAPI().start()
    yield api
    api.stop()


def _update(update_id: int, user: int, text: str) -> dict:
    chat = {"id": user, "type": "private", "first_name": "P"}
    return {"update_id": update_id, "message": {
        "message_id": 1, "date": 0, "chat": chat, "text": text,
        "from": {"id": user, "is_bot": False, "first_name": "P", "language_code": "de"}}}


async def test_webhook_checks_the_secret_and_answers(tmp_path, fake):
    port = _free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    settings = settings_for(tmp_path, fake, webhook_url=url, webhook_secret=SECRET,
                            listen=f"127.0.0.1:{port}")
    kb = load_knowledge(settings.knowledge_dir)
    engine = Engine(kb, Matcher.build(kb.examples(), threshold=THRESHOLD))
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, engine, stop=stop))
    try:
        async with httpx.AsyncClient() as client:
            await fake.wait_until(lambda: fake.calls_of("setWebhook"), what="setWebhook")
            assert fake.calls_of("setWebhook")[0]["secret_token"] == SECRET
            refused = await client.post(url, json=_update(1, 31, "Wo melde ich mich an?"),
                                        headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
            assert refused.status_code == 403
            update = _update(2, 31, "Wo melde ich meine Wohnung an?")
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            accepted = await client.post(url, json=update, headers=headers)
            assert accepted.status_code == 200
            again = await client.post(url, json=update, headers=headers)  # Telegram resends
            assert again.status_code == 200
            await fake.wait_until(lambda: fake.sent_to(31))
            await asyncio.sleep(0.3)
    finally:
        stop.set()
        await task
    assert len(fake.sent_to(31)) == 1, "a resent update is answered once"
    assert "Melden Sie" in fake.sent_to(31)[0]["text"]
