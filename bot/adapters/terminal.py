"""``welcomebot chat``: the conversation in a terminal, buttons shown as numbered choices.

Reads lines until end of input, so it works interactively and with piped input alike. There is no
staff desk in a terminal: a handoff shows how to reach the Welcome Center instead.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

from bot.engine import Button, Engine, Person, Response
from bot.engine.render import office_card, rtl
from bot.i18n import translator

__all__ = ["chat"]

_QUIT = {"/quit", "/exit"}


def _app_language() -> str | None:
    """The terminal's language (LANG=de_DE.UTF-8 -> "de"), like a phone app's language setting."""
    value = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
    code = value.split(".")[0].split("_")[0].lower()
    return code if code and code not in {"c", "posix"} else None


class _Session:
    def __init__(self, engine: Engine, *, lang: str | None, out: TextIO) -> None:
        self.engine = engine
        self.person = Person(id="terminal", chosen_lang=lang, app_lang=_app_language())
        self.out = out
        self.choices: list[Button] = []

    def show(self, response: Response) -> None:
        self.choices = []
        for reply in response.replies:
            print(reply.text, file=self.out)
            for row in reply.buttons:
                labels = []
                for button in row:
                    self.choices.append(button)
                    shown = f"{button.label} ({button.url})" if button.url else button.label
                    labels.append(f"[{len(self.choices)}] {shown}")
                print("   " + "   ".join(labels), file=self.out)
            print(file=self.out)
        self.remember(response)
        if response.handoff is not None:
            self.handoff(response.lang)

    def remember(self, response: Response) -> None:
        updates = {"last_lang": response.lang}
        if response.chosen_lang:
            updates["chosen_lang"] = response.chosen_lang
        if response.question:
            updates["last_question"] = response.question
        self.person = Person(**{**self.person.__dict__, **updates})

    def handoff(self, lang: str) -> None:
        """No staff desk here: show the handoff office's contact details."""
        _ = translator(lang).gettext
        kb = self.engine.kb
        office = kb.offices.get(kb.settings.handoff.office or "")
        text = _("A person can't be reached from this terminal. You can contact them directly:")
        if office:
            text += "\n" + office_card(office, lang)
        print(rtl(text, lang) + "\n", file=self.out)

    def handle(self, line: str) -> bool:
        """One line of input; False when the person wants to stop."""
        text = line.strip()
        if not text:
            return True
        command = text.split()[0].lower()
        if command in _QUIT:
            return False
        if text.isdigit() and self.choices:
            index = int(text) - 1
            if 0 <= index < len(self.choices):
                button = self.choices[index]
                if button.url:
                    print(button.url + "\n", file=self.out)
                    return True
                self.show(self.engine.handle_action(self.person, button.action or ""))
                return True
        if command.startswith("/"):
            self.show(self.command(command, text))
            return True
        self.show(self.engine.handle_text(self.person, text))
        return True

    def command(self, command: str, text: str) -> Response:
        argument = text[len(command) :].strip() or None
        if command == "/start":
            return self.engine.start(self.person, argument)
        if command == "/help":
            return self.engine.help(self.person)
        if command == "/language":
            return self.engine.language_picker(self.person)
        if command == "/privacy":
            return self.engine.privacy(self.person)
        if command == "/human":
            return self.engine.request_person(self.person, question=argument)
        return self.engine.unknown_command(self.person)


def chat(engine: Engine, *, lang: str | None = None, stdin: TextIO | None = None, out: TextIO | None = None) -> int:
    """Run the terminal conversation until end of input or ``/quit``. Returns the exit status."""
    stdin = stdin or sys.stdin
    out = out or sys.stdout
    session = _Session(engine, lang=lang, out=out)
    interactive = stdin.isatty()
    if interactive:
        _ = translator(session.engine.reply_language(session.person)).gettext
        print(_("Type your question, a number to press a button, or /quit to leave."), file=out)
        print(file=out)
    while True:
        if interactive:
            print("> ", end="", file=out, flush=True)
        line = stdin.readline()
        if not line:
            break
        if not session.handle(line):
            break
    return 0
