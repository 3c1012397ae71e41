"""A fake Telegram Bot API on 127.0.0.1 for tests and benchmarks.

python-telegram-bot talks to it over real HTTP (``base_url`` points here). It keeps chats and
messages, hands out updates with getUpdates offsets, and checks what the bot sends the way
Telegram does: text length (UTF-16 units), callback data <= 64 bytes, existing topics, and the
flood limits (30 messages a second overall, 20 a minute into a group), refusing with 429 and
``retry_after`` like Telegram. Everything refused is recorded in ``refused``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

__all__ = ["BOT_ID", "FakeBotAPI", "STAFF_CHAT_ID", "TOKEN"]

TOKEN = "123456:TEST-token-never-logged"
BOT_ID = 123456
STAFF_CHAT_ID = -1001234567890
STAFF_USER = {"id": 900, "is_bot": False, "first_name": "Staff"}
TEXT_LIMIT = 4096
CALLBACK_LIMIT = 64
OVERALL_PER_SECOND = 30
GROUP_PER_MINUTE = 20
#: Arrival jitter between the bot's limiter and this server: a send or two of slack.
JITTER_SLACK = 2
#: Methods that put a message into a chat (what the flood limits count).
SENDING = frozenset({"sendMessage", "copyMessage", "sendPhoto", "sendDocument", "sendSticker",
                     "forwardMessage"})
_JSON_FIELDS = ("reply_markup", "reply_parameters", "link_preview_options", "commands", "scope",
                "allowed_updates", "entities")


class _Bucket:
    """Leaky bucket: ``capacity`` at once, refilled at ``rate`` per second (Telegram-like)."""

    def __init__(self, capacity: float, rate: float) -> None:
        self.capacity, self.rate = capacity, rate
        self.level, self.at = 0.0, time.monotonic()

    def take(self) -> float:
        """0 when accepted, otherwise the seconds to wait."""
        now = time.monotonic()
        self.level = max(0.0, self.level - (now - self.at) * self.rate)
        self.at = now
        if self.level + 1 > self.capacity + JITTER_SLACK:
            return (self.level + 1 - self.capacity) / self.rate
        self.level += 1
        return 0.0


class FakeBotAPI:
    def __init__(self, *, staff_is_forum: bool = True, token: str = TOKEN) -> None:
        self.token = token
        self.staff_is_forum = staff_is_forum
        self._lock = threading.Condition()
        self._updates: list[dict] = []
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count] = defaultdict(lambda: itertools.count(1))
        self._thread_ids = itertools.count(100)
        self.messages: dict[tuple[int, int], dict] = {}
        self.topics: dict[int, dict] = {}
        self.calls: list[tuple[str, dict]] = []
        self.refused: list[tuple[str, dict, str]] = []
        self.flood: list[int] = []  # retry_after values to answer the next sends with
        self.commands: dict[tuple[str, str | None], list] = {}
        self.left_chats: list[int] = []
        self.documents: list[tuple[int, str, bytes]] = []  # (chat, file name, content) sent
        self.get_updates_calls = 0
        self.confirmed_up_to = 0
        self._overall = _Bucket(OVERALL_PER_SECOND, OVERALL_PER_SECOND)
        self._groups: dict[int, _Bucket] = {}
        self._server: ThreadingHTTPServer | None = None
        self._open = threading.Event()
        self._open.set()
        self._drop_held = False

    # -- server -------------------------------------------------------------------------------
    def start(self) -> FakeBotAPI:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, payload = api._dispatch(self.path, self.headers.get("Content-Type", ""), body)
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the bot gave up a long poll while stopping

            do_GET = do_POST  # noqa: N815

        class Server(ThreadingHTTPServer):
            request_queue_size = 1024  # a burst of connections must not be reset

            def handle_error(self, request: Any, client_address: Any) -> None:
                # A bot killed with -9 drops its connections mid-request: expected, not news.
                if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
                    super().handle_error(request, client_address)

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
        with self._lock:
            self._lock.notify_all()

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    # -- requests -----------------------------------------------------------------------------
    def _dispatch(self, path: str, content_type: str, body: bytes) -> tuple[int, dict]:
        prefix = f"/bot{self.token}/"
        if not path.startswith(prefix):
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        method = path[len(prefix):]
        if "json" in content_type:
            params = json.loads(body or b"{}")
        elif content_type.startswith("multipart/form-data"):
            params = _multipart(content_type, body)
        else:
            params = dict(parse_qsl(body.decode(), keep_blank_values=True))
            for key in _JSON_FIELDS:
                if isinstance(params.get(key), str):
                    params[key] = json.loads(params[key])
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._get_updates(params)}
        if not self._open.is_set():
            self._open.wait()
            if self._drop_held:  # the caller died meanwhile: Telegram never saw this call
                return 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
        with self._lock:
            self.calls.append((method, params))
            if method in SENDING or method == "createForumTopic":
                wait = self._flood_check(params)
                if wait:
                    self.refused.append((method, params, f"429 retry after {wait}"))
                    return 429, {"ok": False, "error_code": 429,
                                 "description": f"Too Many Requests: retry after {wait}",
                                 "parameters": {"retry_after": wait}}
            handler = getattr(self, "_m_" + method, None)
            if handler is None:
                return 200, {"ok": True, "result": True}
            error = self._validate(method, params)
            if error:
                self.refused.append((method, params, error))
                return 400, {"ok": False, "error_code": 400, "description": error}
            try:
                return 200, {"ok": True, "result": handler(params)}
            except _BadRequest as bad:
                self.refused.append((method, params, str(bad)))
                return 400, {"ok": False, "error_code": 400, "description": str(bad)}

    def _flood_check(self, params: dict) -> int:
        if self.flood:
            return self.flood.pop(0)
        wait = self._overall.take()
        chat_id = int(params.get("chat_id", 0))
        if not wait and chat_id < 0:
            bucket = self._groups.setdefault(
                chat_id, _Bucket(GROUP_PER_MINUTE, GROUP_PER_MINUTE / 60))
            wait = bucket.take()
        return int(wait) + 1 if wait else 0

    def _validate(self, method: str, params: dict) -> str | None:
        if method == "sendMessage":
            text = params.get("text", "")
            length = len(text.encode("utf-16-le")) // 2
            if not text.strip():
                return "Bad Request: message text is empty"
            if length > TEXT_LIMIT:
                return f"Bad Request: message is too long ({length})"
        markup = params.get("reply_markup")
        if markup:
            for row in markup.get("inline_keyboard", []):
                for button in row:
                    if not button.get("text"):
                        return "Bad Request: button text is empty"
                    data = button.get("callback_data")
                    if data is not None and not 1 <= len(data.encode()) <= CALLBACK_LIMIT:
                        return "Bad Request: BUTTON_DATA_INVALID"
                    if data is None and not button.get("url"):
                        return "Bad Request: button has no action"
        thread = params.get("message_thread_id")
        if thread is not None:
            topic = self.topics.get(int(thread))
            if topic is None or topic["chat_id"] != int(params["chat_id"]):
                return "Bad Request: message thread not found"
        return None

    def hold(self) -> None:
        """Stop processing calls: they wait, unseen, as if still on their way to Telegram."""
        self._drop_held = False
        self._open.clear()

    def release(self, *, drop: bool = False) -> None:
        """Process calls again; ``drop`` discards the held ones (their sender was killed)."""
        self._drop_held = drop
        self._open.set()

    # -- updates ------------------------------------------------------------------------------
    def _get_updates(self, params: dict) -> list[dict]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 2.0)
        deadline = time.monotonic() + timeout
        with self._lock:
            self.get_updates_calls += 1
            if offset:
                self.confirmed_up_to = max(self.confirmed_up_to, offset - 1)
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and time.monotonic() < deadline:
                self._lock.wait(deadline - time.monotonic())
            return list(self._updates[:100])

    def _push(self, update: dict) -> dict:
        with self._lock:
            update = {"update_id": next(self._update_ids), **update}
            self._updates.append(update)
            self._lock.notify_all()
            return update

    def _new_message(self, chat: dict, sender: dict, **content: Any) -> dict:
        message_id = next(self._message_ids[chat["id"]])
        message = {"message_id": message_id, "date": int(time.time()), "chat": chat,
                   "from": sender, **{k: v for k, v in content.items() if v is not None}}
        self.messages[(chat["id"], message_id)] = message
        return message

    # -- what people and staff do ------------------------------------------------------------------
    @staticmethod
    def person(user_id: int, lang: str | None = "en") -> dict:
        user = {"id": user_id, "is_bot": False, "first_name": f"P{user_id}"}
        if lang:
            user["language_code"] = lang
        return user

    def user_says(self, user_id: int, text: str, *, lang: str | None = "en") -> dict:
        user = self.person(user_id, lang)
        chat = {"id": user_id, "type": "private", "first_name": user["first_name"]}
        entities = None
        if text.startswith("/"):
            entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        with self._lock:
            message = self._new_message(chat, user, text=text, entities=entities)
        return self._push({"message": message})

    def user_sends(self, user_id: int, kind: str, *, lang: str | None = "en") -> dict:
        """A sticker, photo, voice or document."""
        content = {
            "sticker": {"file_id": "st1", "file_unique_id": "u1", "type": "regular",
                        "width": 512, "height": 512, "is_animated": False, "is_video": False},
            "photo": [{"file_id": "ph1", "file_unique_id": "u2", "width": 90, "height": 90}],
            "voice": {"file_id": "vo1", "file_unique_id": "u3", "duration": 2},
            "document": {"file_id": "do1", "file_unique_id": "u4"},
        }[kind]
        user = self.person(user_id, lang)
        chat = {"id": user_id, "type": "private", "first_name": user["first_name"]}
        with self._lock:
            message = self._new_message(chat, user, **{kind: content})
        return self._push({"message": message})

    def press(self, user_id: int, data: str, *, lang: str | None = "en",
              message: dict | None = None) -> dict:
        user = self.person(user_id, lang)
        if message is None:
            chat = {"id": user_id, "type": "private", "first_name": user["first_name"]}
            message = {"message_id": 1, "date": int(time.time()), "chat": chat,
                       "from": self.bot_user(), "text": "…"}
        return self._push({"callback_query": {
            "id": str(next(self._update_ids) * 7), "from": user, "chat_instance": "ci",
            "data": data, "message": message}})

    def staff_says(self, text: str | None = None, *, thread_id: int | None = None,
                   reply_to: int | None = None, kind: str | None = None,
                   chat_id: int = STAFF_CHAT_ID) -> dict:
        chat = {"id": chat_id, "type": "supergroup", "title": "Staff",
                "is_forum": self.staff_is_forum}
        content: dict[str, Any] = {}
        if text is not None:
            content["text"] = text
            if text.startswith("/"):
                content["entities"] = [
                    {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        if kind == "photo":
            content["photo"] = [{"file_id": "sp", "file_unique_id": "sp", "width": 9, "height": 9}]
        if thread_id is not None:
            content["message_thread_id"] = thread_id
            content["is_topic_message"] = True
        with self._lock:
            if reply_to is not None:
                content["reply_to_message"] = self.messages[(chat_id, reply_to)]
            elif thread_id is not None:
                content["reply_to_message"] = self.topics[thread_id]["service"]
            message = self._new_message(chat, STAFF_USER, **content)
        return self._push({"message": message})

    def bot_added_to_group(self, chat_id: int) -> dict:
        chat = {"id": chat_id, "type": "group", "title": "Some group"}
        return self._push({"my_chat_member": {
            "chat": chat, "from": STAFF_USER, "date": int(time.time()),
            "old_chat_member": {"status": "left", "user": self.bot_user()},
            "new_chat_member": {"status": "member", "user": self.bot_user()}}})

    # -- what tests read -----------------------------------------------------------------------
    def sent_to(self, chat_id: int) -> list[dict]:
        """Messages the bot put into a chat (sent or copied), oldest first."""
        with self._lock:
            return [m for (c, _), m in sorted(self.messages.items())
                    if c == chat_id and m["from"].get("id") == BOT_ID]

    def texts_to(self, chat_id: int) -> list[str]:
        return [m.get("text", "") for m in self.sent_to(chat_id)]

    def calls_of(self, method: str) -> list[dict]:
        with self._lock:
            return [p for m, p in self.calls if m == method]

    def pending_updates(self) -> int:
        with self._lock:
            return len(self._updates)

    async def wait_until(self, condition, *, timeout: float = 20.0, what: str = "") -> None:
        """Poll ``condition`` until it is true (a deadline only to fail instead of hanging)."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what or condition}")
            await asyncio.sleep(0.02)

    # -- Bot API methods ---------------------------------------------------------------------
    def bot_user(self) -> dict:
        return {"id": BOT_ID, "is_bot": True, "first_name": "WelcomeBot", "username": "welcome_bot"}

    def _chat(self, chat_id: int) -> dict:
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": f"P{chat_id}"}
        return {"id": chat_id, "type": "supergroup", "title": "Staff",
                "is_forum": self.staff_is_forum}

    def _m_getMe(self, params: dict) -> dict:  # noqa: N802
        return {**self.bot_user(), "can_join_groups": True, "can_read_all_group_messages": True,
                "supports_inline_queries": False}

    def _m_getChat(self, params: dict) -> dict:  # noqa: N802
        gifts = {"unlimited_gifts": False, "limited_gifts": False, "unique_gifts": False,
                 "premium_subscription": False, "gifts_from_channels": False}
        return {**self._chat(int(params["chat_id"])), "accent_color_id": 0,
                "max_reaction_count": 11, "accepted_gift_types": gifts}

    def _m_sendMessage(self, params: dict) -> dict:  # noqa: N802
        chat_id = int(params["chat_id"])
        extra = {}
        if params.get("message_thread_id"):
            extra = {"message_thread_id": int(params["message_thread_id"]),
                     "is_topic_message": True}
        return self._new_message(self._chat(chat_id), self.bot_user(), text=params["text"],
                                 reply_markup=params.get("reply_markup"), **extra)

    def _m_copyMessage(self, params: dict) -> dict:  # noqa: N802
        source = self.messages.get((int(params["from_chat_id"]), int(params["message_id"])))
        if source is None:
            raise _BadRequest("Bad Request: message to copy not found")
        content = {k: v for k, v in source.items()
                   if k in ("text", "photo", "sticker", "voice", "document", "caption")}
        extra = {}
        if params.get("message_thread_id"):
            extra = {"message_thread_id": int(params["message_thread_id"]),
                     "is_topic_message": True}
        message = self._new_message(self._chat(int(params["chat_id"])), self.bot_user(),
                                    copied_from=[source["chat"]["id"], source["message_id"]],
                                    **content, **extra)
        return {"message_id": message["message_id"]}

    def _m_createForumTopic(self, params: dict) -> dict:  # noqa: N802
        chat_id = int(params["chat_id"])
        if chat_id > 0 or not self.staff_is_forum:
            raise _BadRequest("Bad Request: the chat is not a forum")
        name = params["name"]
        if not 1 <= len(name) <= 128:
            raise _BadRequest("Bad Request: topic name invalid")
        thread_id = next(self._thread_ids)
        service = self._new_message(self._chat(chat_id), self.bot_user(),
                                    message_thread_id=thread_id,
                                    forum_topic_created={"name": name, "icon_color": 7322096})
        self.topics[thread_id] = {"chat_id": chat_id, "name": name, "closed": False,
                                  "service": service}
        return {"message_thread_id": thread_id, "name": name, "icon_color": 7322096}

    def _m_closeForumTopic(self, params: dict) -> bool:  # noqa: N802
        self.topics[int(params["message_thread_id"])]["closed"] = True
        return True

    def _m_setMyCommands(self, params: dict) -> bool:  # noqa: N802
        commands = params["commands"]
        for command in commands:
            if not 1 <= len(command["description"]) <= 256:
                raise _BadRequest("Bad Request: command description invalid")
        key = (json.dumps(params.get("scope"), sort_keys=True), params.get("language_code"))
        self.commands[key] = commands
        return True

    def _m_answerCallbackQuery(self, params: dict) -> bool:  # noqa: N802
        if len(params.get("text") or "") > 200:
            raise _BadRequest("Bad Request: callback answer too long")
        return True

    def _m_sendDocument(self, params: dict) -> dict:  # noqa: N802
        upload = params.get("document")
        if not isinstance(upload, dict):
            raise _BadRequest("Bad Request: there is no document in the request")
        document = {"file_id": f"doc{len(self.messages)}", "file_unique_id": "u",
                    "file_name": upload["filename"], "file_size": len(upload["content"])}
        message = self._new_message(self._chat(int(params["chat_id"])), self.bot_user(),
                                    document=document, caption=params.get("caption"))
        self.documents.append((int(params["chat_id"]), upload["filename"], upload["content"]))
        return message

    def _m_leaveChat(self, params: dict) -> bool:  # noqa: N802
        self.left_chats.append(int(params["chat_id"]))
        return True


class _BadRequest(Exception):
    pass


def _multipart(content_type: str, body: bytes) -> dict:
    """Form fields of an upload (sendDocument); files become {"filename", "content"}."""
    from email.parser import BytesParser
    from email.policy import HTTP

    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    params: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        content = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename:
            params[name] = {"filename": filename, "content": content}
        else:
            params[name] = content.decode()
    for key, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            params[key] = params.get(value[len("attach://"):], value)
    for key in _JSON_FIELDS:
        if isinstance(params.get(key), str):
            params[key] = json.loads(params[key])
    return params
