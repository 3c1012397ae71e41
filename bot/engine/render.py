"""An intent's answer as the person reads it: text in their language, contact cards, sources, buttons.

Office details come from ``offices.yaml`` by id (placeholders such as ``{citizens_office.address}``
and the cards below the answer), so a corrected e-mail address reaches every answer at once.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

from bot.engine.replies import ACTION_HANDOFF_YES, PREFIX_INTENT, Button, Reply
from bot.i18n import format_date, format_time, is_rtl, translator
from bot.kb.model import Intent, KnowledgeBase, Office, OfficeHours

__all__ = ["MESSAGE_LIMIT", "fit_message", "intent_button", "office_card", "render_answer", "rtl"]

#: Intents in this area folder are small talk (hello, thanks): no sources line, no "ask a person".
CONVERSATION_AREA = "conversation"
#: A source without a URL is named by its title, cut to this length in the sources line.
_SOURCE_LABEL_CHARS = 40
#: Telegram's limit for one message's text.
MESSAGE_LIMIT = 4096
_PLACEHOLDER_RE = re.compile(r"\{([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)\}")
#: RIGHT-TO-LEFT MARK: starts each line of an Arabic or Persian reply so that a line beginning with
#: a Latin office name or an address is still laid out right to left.
_RLM = "\u200f"


def rtl(text: str, lang: str) -> str:
    """Mark every line of ``text`` right to left when ``lang`` is written that way."""
    if not is_rtl(lang):
        return text
    return "\n".join(_RLM + line if line and not line.startswith(_RLM) else line for line in text.split("\n"))


def fit_message(text: str, *, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split ``text`` into messages of at most ``limit`` characters, at paragraph or line breaks."""
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = max(rest.rfind("\n\n", 0, limit), rest.rfind("\n", 0, limit))
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    parts.append(rest)
    return [p for p in parts if p] or [""]


def _fill(text: str, kb: KnowledgeBase, lang: str) -> str:
    def value(match: re.Match[str]) -> str:
        office = kb.offices.get(match.group(1))
        found = office.value(match.group(2), lang) if office else None
        return found if found is not None else match.group(0)

    return _PLACEHOLDER_RE.sub(value, text)


def _day_range(days: tuple[int, ...], lang: str) -> str:
    from babel.dates import get_day_names

    names = get_day_names("abbreviated", locale=lang)
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(names[r[0]] if len(r) == 1 else f"{names[r[0]]}–{names[r[-1]]}" for r in runs)


def format_hours(hours: tuple[OfficeHours, ...], lang: str) -> list[str]:
    """Opening hours as lines in the reader's locale ("Mo.–Fr. 15:00–19:00")."""
    return [f"{_day_range(h.days, lang)} {format_time(h.start, lang)}–{format_time(h.end, lang)}" for h in hours]


def office_card(office: Office, lang: str) -> str:
    """The contact details of an office that its sources give, one per line."""
    _ = translator(lang).gettext
    lines = [f"📍 {office.name(lang)}"]
    if office.address:
        lines.append(office.address)
    if office.email:
        lines.append(f"✉️ {office.email}")
    if office.phone:
        lines.append(f"☎️ {office.phone}")
    if office.hours:
        lines.append("🕒 " + "; ".join(format_hours(office.hours, lang)))
        if not office.hours_confirmed:
            lines.append("   " + _("(older information: please check before you go)"))
    if office.booking:
        lines.append("📅 " + _("Appointments: {url}").format(url=office.booking))
    elif office.website:
        lines.append(f"🌐 {office.website}")
    return "\n".join(lines)


def _sources_line(intent: Intent, lang: str) -> str | None:
    _ = translator(lang).gettext
    hosts: list[str] = []
    for source in intent.sources:
        label = urlparse(source.url).netloc.removeprefix("www.") if source.url else (source.title or "")
        if len(label) > _SOURCE_LABEL_CHARS:
            label = label[: _SOURCE_LABEL_CHARS - 1].rstrip(" -,(") + "…"
        if label and label not in hosts:
            hosts.append(label)
    if not hosts and intent.verified is None:
        return None
    parts = []
    if intent.verified:
        parts.append(_("Checked on {date}").format(date=format_date(intent.verified, lang, fmt="medium")))
    if hosts:
        parts.append(_("Sources: {sources}").format(sources=", ".join(hosts[:3])))
    return "ℹ️ " + " · ".join(parts)


def _link_buttons(urls: tuple[str, ...]) -> list[Button]:
    """URL buttons labelled with the site; two links to one site also show the page's name."""
    hosts = [urlparse(url).netloc.removeprefix("www.") for url in urls]
    buttons = []
    for url, host in zip(urls, hosts, strict=True):
        label = host
        if hosts.count(host) > 1:
            page = urlparse(url).path.rstrip("/").rsplit("/", 1)[-1]
            label = f"{host}/{page}" if page else host
        buttons.append(Button(label=f"🔗 {label}", url=url))
    return buttons


def intent_button(intent: Intent, lang: str) -> Button:
    """A button that opens ``intent``'s answer."""
    return Button(label=intent.title(lang), action=PREFIX_INTENT + intent.id)


def render_answer(kb: KnowledgeBase, intent: Intent, lang: str, *, offer_person: bool = True) -> Reply:
    """The full answer of ``intent`` in ``lang``: text, office cards, sources, follow-up buttons."""
    _ = translator(lang).gettext
    answer = intent.answers.get(lang) or intent.answers.get(kb.settings.source_language)
    text = _fill(answer.text, kb, lang) if answer else ""
    blocks = [text.strip()]
    for office_id in intent.offices:
        office = kb.offices.get(office_id)
        if office:
            blocks.append(office_card(office, lang))
    if intent.action is None and intent.area != CONVERSATION_AREA:
        sources = _sources_line(intent, lang)
        if sources:
            blocks.append(sources)
    full = rtl("\n\n".join(b for b in blocks if b), lang)
    if len(full) > MESSAGE_LIMIT:
        full = fit_message(full)[0]
    rows: list[tuple[Button, ...]] = []
    related = [kb.intents[r] for r in intent.related if r in kb.intents]
    for i in range(0, len(related), 2):
        rows.append(tuple(intent_button(r, lang) for r in related[i : i + 2]))
    rows.extend((button,) for button in _link_buttons(intent.links[:2]))
    if offer_person and intent.action is None and intent.area != CONVERSATION_AREA:
        rows.append((Button(label=_("👤 Ask a person"), action=ACTION_HANDOFF_YES),))
    return Reply(text=full, buttons=tuple(rows))
