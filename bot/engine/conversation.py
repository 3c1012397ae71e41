"""The conversation engine: a person's text or button press in, replies with buttons out.

It knows nothing of Telegram or terminals. It never stores anything itself: what must be remembered
(the chosen language, a ticket to open) is returned in the :class:`Response` for the adapter to keep.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.engine.render import CONVERSATION_AREA, intent_button, render_answer, rtl
from bot.engine.replies import (
    ACTION_HANDOFF_NO,
    ACTION_HANDOFF_YES,
    ACTION_MENU,
    PREFIX_INTENT,
    PREFIX_LANGUAGE,
    Button,
    HandoffRequest,
    Person,
    Reply,
    Response,
)
from bot.i18n import language_name, translator
from bot.kb.model import Intent, KnowledgeBase
from bot.languages import LanguageDetector, choose_reply_language
from bot.matching import Matcher, MatchResult

__all__ = ["EventsProvider", "Engine", "MAX_MATCH_CHARS"]

#: Only the start of a very long message is matched: the topic is in the first lines, and matching
#: time grows with length. The whole message still reaches staff when it is handed over.
MAX_MATCH_CHARS = 600
#: Topic buttons in the menu when the knowledge base names none.
_MENU_SIZE = 8
#: Below the cut-off, topics scoring at least this share of it are offered as "maybe one of these".
_SUGGEST_SHARE = 0.75

#: Renders upcoming events for a person in a language (the events module provides it).
EventsProvider = Callable[[Person, str], Sequence[Reply]]


class Engine:
    """Answers one input at a time from the knowledge base, in the person's language."""

    def __init__(
        self,
        kb: KnowledgeBase,
        matcher: Matcher,
        *,
        detector: LanguageDetector | None = None,
        events: EventsProvider | None = None,
    ) -> None:
        self.kb = kb
        self.matcher = matcher
        self.detector = detector or LanguageDetector(kb.languages, samples=((e.text, e.lang) for e in kb.examples()))
        self.events = events

    # -- language -----------------------------------------------------------------------------

    def reply_language(self, person: Person, text: str | None = None, *, matched: str | None = None) -> str:
        """The language to answer ``person`` in (see :func:`choose_reply_language`).

        ``matched`` is the language of the example phrase the text matched best: weaker evidence
        than the person's own settings, stronger than the default.
        """
        detected = self.detector.detect(text) if text else None
        return choose_reply_language(
            detected,
            chosen=person.chosen_lang,
            last=person.last_lang,
            app=person.app_lang,
            supported=self.kb.languages,
            default=matched if matched in self.kb.languages else self.kb.settings.source_language,
        )

    # -- entry points -----------------------------------------------------------------------

    def start(self, person: Person, payload: str | None = None) -> Response:
        """``/start``: a deep link opens its topic; otherwise a greeting with the language picker."""
        lang = self.reply_language(person)
        if payload and payload in self.kb.intents:
            return self._intent_response(person, self.kb.intents[payload], lang, question=None)
        _ = translator(lang).gettext
        greeting = self.kb.intent_with_action("help")
        text = _("Welcome! I answer questions about living, working and studying in {city}, in your language.").format(
            city=self.kb.settings.city
        )
        if greeting and lang in greeting.answers:
            text += "\n\n" + greeting.answers[lang].text
        replies = [
            Reply(text=rtl(text, lang), buttons=self._menu_rows(lang)),
            self._picker_reply(lang),
        ]
        return Response(replies=tuple(replies), lang=lang)

    def help(self, person: Person) -> Response:
        """``/help``: what the bot can do, with topic buttons."""
        lang = self.reply_language(person)
        return Response(replies=(self._help_reply(lang),), lang=lang)

    def language_picker(self, person: Person) -> Response:
        """``/language``: one button per language, each named in its own language."""
        lang = self.reply_language(person)
        return Response(replies=(self._picker_reply(lang),), lang=lang)

    def privacy(self, person: Person) -> Response:
        """``/privacy``: what is kept and how to delete it."""
        lang = self.reply_language(person)
        intent = self.kb.intent_with_action("privacy")
        if intent:
            return Response(replies=(render_answer(self.kb, intent, lang, offer_person=False),), lang=lang)
        _ = translator(lang).gettext
        return Response(
            replies=(Reply(rtl(_("Send /delete_my_data to delete everything I keep about you."), lang)),), lang=lang
        )

    def answer(self, intent_id: str, lang: str) -> Reply | None:
        """The knowledge-base answer of ``intent_id`` in ``lang`` (staff ``/answer``); None if unknown."""
        intent = self.kb.intents.get(intent_id)
        if intent is None:
            return None
        if lang not in self.kb.languages:
            lang = self.kb.settings.source_language
        return render_answer(self.kb, intent, lang, offer_person=False)

    def not_text(self, person: Person) -> Response:
        """A sticker, photo, voice message or file outside a conversation with staff."""
        lang = self.reply_language(person)
        _ = translator(lang).gettext
        text = _("I can only read text. Please type your question in a few words, in any language.")
        return Response(replies=(Reply(rtl(text, lang), buttons=self._menu_rows(lang)),), lang=lang)

    def unknown_command(self, person: Person) -> Response:
        """A ``/command`` the bot does not know."""
        lang = self.reply_language(person)
        _ = translator(lang).gettext
        text = _("I don't know that command. Try /help, or just type your question.")
        return Response(replies=(Reply(rtl(text, lang)),), lang=lang)

    def handle_text(self, person: Person, text: str) -> Response:
        """A message from the person: answer it, ask which topic they meant, or offer a person."""
        text = (text or "").strip()
        if not any(c.isalnum() for c in text):
            lang = self.reply_language(person)
            _ = translator(lang).gettext
            reply = Reply(
                rtl(_("Please type your question in a few words, in any language."), lang), self._menu_rows(lang)
            )
            return Response(replies=(reply,), lang=lang)
        result = self.matcher.match(text[:MAX_MATCH_CHARS])
        lang = self.reply_language(person, text, matched=result.lang)
        if result.intent is None or result.intent not in self.kb.intents:
            return self._out_of_scope(person, text, lang, result)
        if result.ambiguous:
            return self._did_you_mean(text, lang, result)
        return self._intent_response(person, self.kb.intents[result.intent], lang, question=text, match=result)

    def handle_action(self, person: Person, data: str) -> Response:
        """A button press. Unknown or forged data gets a polite note, never an error."""
        lang = self.reply_language(person)
        data = data or ""
        if data.startswith(PREFIX_INTENT) and data[len(PREFIX_INTENT) :] in self.kb.intents:
            intent = self.kb.intents[data[len(PREFIX_INTENT) :]]
            return self._intent_response(person, intent, lang, question=None)
        if data.startswith(PREFIX_LANGUAGE) and data[len(PREFIX_LANGUAGE) :] in self.kb.languages:
            chosen = data[len(PREFIX_LANGUAGE) :]
            _ = translator(chosen).gettext
            text = _("From now on I answer in {language}. You can change it any time with /language.").format(
                language=language_name(chosen)
            )
            return Response(
                replies=(Reply(rtl(text, chosen), self._menu_rows(chosen)),), lang=chosen, chosen_lang=chosen
            )
        if data == ACTION_HANDOFF_YES:
            return self._handoff(person, lang, question=person.last_question)
        if data == ACTION_HANDOFF_NO:
            _ = translator(lang).gettext
            text = _("All right. Ask me anything else, or tap a topic.")
            return Response(replies=(Reply(rtl(text, lang), self._menu_rows(lang)),), lang=lang)
        if data == ACTION_MENU:
            return Response(replies=(self._help_reply(lang),), lang=lang)
        _ = translator(lang).gettext
        text = _("Sorry, this button is no longer valid. Please type your question or tap a topic.")
        return Response(replies=(Reply(rtl(text, lang), self._menu_rows(lang)),), lang=lang)

    def request_person(self, person: Person, *, question: str | None = None) -> Response:
        """``/human``: hand over to a person at the Welcome Center."""
        lang = self.reply_language(person, question)
        return self._handoff(person, lang, question=question or person.last_question)

    # -- building blocks ---------------------------------------------------------------------

    def _intent_response(
        self, person: Person, intent: Intent, lang: str, *, question: str | None, match: MatchResult | None = None
    ) -> Response:
        action = intent.action
        if action == "handoff":
            # staff need the question the person had, not the words asking for a person
            return self._handoff(person, lang, question=person.last_question, match=match)
        if action == "language":
            return Response(
                replies=(self._picker_reply(lang),), lang=lang, match=match, answered=True, question=question
            )
        if action == "help":
            return Response(replies=(self._help_reply(lang),), lang=lang, match=match, answered=True, question=question)
        reply = render_answer(self.kb, intent, lang)
        replies = [reply]
        if action == "events" and self.events is not None:
            replies.extend(self.events(person, lang))
        if intent.area == CONVERSATION_AREA and not reply.buttons:
            replies[0] = Reply(reply.text, self._menu_rows(lang))
        return Response(replies=tuple(replies), lang=lang, match=match, answered=True, question=question)

    def _handoff(
        self, person: Person, lang: str, *, question: str | None, match: MatchResult | None = None
    ) -> Response:
        intent = self.kb.intent_with_action("handoff")
        _ = translator(lang).gettext
        if intent and lang in intent.answers:
            text = intent.answers[lang].text
        else:
            text = _("I am passing your question to a person at the Welcome Center.")
        handoff = HandoffRequest(
            lang=lang,
            question=question,
            intent=match.intent if match else None,
            score=match.score if match else None,
        )
        return Response(replies=(Reply(rtl(text, lang)),), lang=lang, handoff=handoff, match=match, answered=True)

    def _out_of_scope(self, person: Person, text: str, lang: str, result: MatchResult) -> Response:
        _ = translator(lang).gettext
        message = _(
            "I'm sorry, I don't have a verified answer to that yet. "
            "Shall I pass your question to a person at the Welcome Center?"
        )
        rows: list[tuple[Button, ...]] = [
            (
                Button(label=_("Yes, ask a person"), action=ACTION_HANDOFF_YES),
                Button(label=_("No, thanks"), action=ACTION_HANDOFF_NO),
            )
        ]
        suggestions = self._suggestions(result)
        if suggestions:
            message += "\n\n" + _("Or did you mean one of these topics?")
            rows.extend((intent_button(i, lang),) for i in suggestions)
        return Response(
            replies=(Reply(rtl(message, lang), tuple(rows)),), lang=lang, match=result, answered=False, question=text
        )

    def _suggestions(self, result: MatchResult) -> list[Intent]:
        """Topics close to the cut-off, worth offering when the bot is not sure enough to answer."""
        floor = _SUGGEST_SHARE * self.matcher.threshold
        best = [(result.intent, result.score)] if result.intent else []
        candidates = best + [(c.intent, c.score) for c in result.alternatives]
        found: list[Intent] = []
        for intent_id, score in candidates:
            intent = self.kb.intents.get(intent_id) if intent_id else None
            if intent and score >= floor and intent.area != CONVERSATION_AREA and intent not in found:
                found.append(intent)
        return found[:2]

    def _did_you_mean(self, text: str, lang: str, result: MatchResult) -> Response:
        _ = translator(lang).gettext
        options = [result.intent] + [c.intent for c in result.alternatives if result.score - c.score < 0.1][:2]
        rows = [(intent_button(self.kb.intents[i], lang),) for i in options if i in self.kb.intents]
        rows.append((Button(label=_("None of these: ask a person"), action=ACTION_HANDOFF_YES),))
        message = _("Did you mean one of these?")
        return Response(
            replies=(Reply(rtl(message, lang), tuple(rows)),), lang=lang, match=result, answered=False, question=text
        )

    def _menu_rows(self, lang: str) -> tuple[tuple[Button, ...], ...]:
        ids = (
            self.kb.settings.menu
            or tuple(i.id for i in self.kb.intents.values() if i.area != CONVERSATION_AREA and i.action is None)[
                :_MENU_SIZE
            ]
        )
        buttons = [intent_button(self.kb.intents[i], lang) for i in ids if i in self.kb.intents]
        return tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))

    def _help_reply(self, lang: str) -> Reply:
        _ = translator(lang).gettext
        intent = self.kb.intent_with_action("help")
        text = (
            intent.answers[lang].text if intent and lang in intent.answers else _("Ask me a question in any language.")
        )
        text += "\n\n" + _(
            "Commands: /language to change the language, /human to ask a person, /privacy, /delete_my_data."
        )
        return Reply(rtl(text, lang), self._menu_rows(lang))

    def _picker_reply(self, lang: str) -> Reply:
        _ = translator(lang).gettext
        buttons = [Button(label=language_name(code), action=PREFIX_LANGUAGE + code) for code in self.kb.languages]
        rows = tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))
        return Reply(rtl(_("Choose your language:"), lang), rows)
