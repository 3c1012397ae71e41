"""Upcoming events as engine replies: one message per event with "add to calendar" and
"remind me" buttons, and a row of audience filters. Dates are in the reader's locale (Babel).

Button data (at most 64 bytes, checked by :mod:`bot.events.actions`):
``ev:<audience>`` list again for an audience, ``evc:<event>`` calendar file, ``evr:<event>``
reminder, ``evs:<audience>`` tell me about new events for that audience.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from bot.engine.replies import Button, Person, Reply
from bot.events.model import AUDIENCE_EVERYONE, AUDIENCES
from bot.events.service import DEFAULT_DAYS, EventBook, EventItem
from bot.i18n import N_, format_date, format_time, translator

__all__ = [
    "AUDIENCE_LABELS",
    "MAX_LISTED",
    "PREFIX_CALENDAR",
    "PREFIX_LIST",
    "PREFIX_REMIND",
    "PREFIX_SUBSCRIBE",
    "event_reply",
    "events_provider",
    "listing_replies",
    "when_text",
]

PREFIX_LIST = "ev:"
PREFIX_CALENDAR = "evc:"
PREFIX_REMIND = "evr:"
PREFIX_SUBSCRIBE = "evs:"
#: Telegram shows each event as its own message; more than this is a wall of text on a phone.
MAX_LISTED = 8

AUDIENCE_LABELS = {
    "students": N_("Students"),
    "families": N_("Families"),
    "workers": N_("Workers"),
    AUDIENCE_EVERYONE: N_("All events"),
}


def when_text(item: EventItem, lang: str) -> str:
    """When the event is, as the reader writes dates; tentative windows say they are expected."""
    _ = translator(lang).gettext
    if item.all_day:
        start, last = item.start, item.end or item.start
        if item.tentative:
            return _("Expected between {start} and {end} (date to be confirmed)").format(
                start=format_date(start, lang, fmt="long"), end=format_date(last, lang, fmt="long")
            )
        if last == start:
            return format_date(start, lang)
        return f"{format_date(start, lang, fmt='long')} – {format_date(last, lang, fmt='long')}"
    start = item.start
    text = f"{format_date(start.date(), lang)}, {format_time(start, lang)}"
    if isinstance(item.end, datetime):
        end = item.end
        if end.date() == start.date():
            text += f"–{format_time(end, lang)}"
        else:
            text += f" – {format_date(end.date(), lang)}, {format_time(end, lang)}"
    if item.recurring:
        text = _("Regularly; next time: {when}").format(when=text)
    return text


def event_reply(item: EventItem, lang: str) -> Reply:
    """One event: title, when, where, what, and the date note; buttons to keep it."""
    _ = translator(lang).gettext
    lines = [item.title, when_text(item, lang)]
    if item.location:
        lines.append(item.location)
    if item.description:
        lines += ["", item.description]
    if item.date_note:
        lines += ["", item.date_note]
    rows: list[tuple[Button, ...]] = [
        (
            Button(label=_("Add to calendar"), action=PREFIX_CALENDAR + item.id),
            Button(label=_("Remind me"), action=PREFIX_REMIND + item.id),
        )
    ]
    if item.url:
        rows.append((Button(label=_("More information"), url=item.url),))
    return Reply(text="\n".join(lines), buttons=tuple(rows))


def _filter_rows(lang: str, audience: str | None) -> tuple[tuple[Button, ...], ...]:
    _ = translator(lang).gettext
    chosen = audience or AUDIENCE_EVERYONE
    filters = tuple(
        Button(
            label=("✓ " if tag == chosen else "") + _(AUDIENCE_LABELS[tag]),
            action=PREFIX_LIST + tag,
        )
        for tag in AUDIENCES
    )
    rows = [filters[:2], filters[2:]]
    if audience and audience != AUDIENCE_EVERYONE:
        label = _("Tell me about new events for: {group}").format(group=_(AUDIENCE_LABELS[audience]))
    else:
        label = _("Tell me about new events")
    rows.append((Button(label=label, action=PREFIX_SUBSCRIBE + chosen),))
    return tuple(rows)


def listing_replies(
    items: Sequence[EventItem], lang: str, *, days: int = DEFAULT_DAYS, audience: str | None = None
) -> list[Reply]:
    """A heading, the events (at most :data:`MAX_LISTED`), and the audience filter buttons."""
    _ = translator(lang).gettext
    weeks = max(1, round(days / 7))
    if items:
        heading = (
            translator(lang)
            .ngettext("What is on in the next week:", "What is on in the next {weeks} weeks:", weeks)
            .format(weeks=weeks)
        )
    else:
        heading = (
            translator(lang)
            .ngettext(
                "Nothing is planned in the next week for this group.",
                "Nothing is planned in the next {weeks} weeks for this group.",
                weeks,
            )
            .format(weeks=weeks)
        )
    replies = [Reply(text=heading)]
    replies += [event_reply(item, lang) for item in items[:MAX_LISTED]]
    replies.append(Reply(text=_("Show events for:"), buttons=_filter_rows(lang, audience)))
    return replies


def events_provider(book: EventBook, *, days: int = DEFAULT_DAYS) -> Callable[[Person, str], list[Reply]]:
    """The engine's ``events`` hook: what is on for everyone, in the person's language."""

    def provide(person: Person, lang: str) -> list[Reply]:
        return listing_replies(book.listing(lang, days=days), lang, days=days)

    return provide
