"""A person's checklist: asks the moving-in date once, shows the tasks with their deadlines,
ticks them off, and keeps the deadline reminder in step. Transport-free (replies with buttons).

Button data: ``ck:v`` show, ``ck:t:<item>`` tick or untick, ``ck:d:<YYYY-MM-DD>`` set the moving-in
date, ``ck:m`` ask for the date again, ``ck:a:<group>`` say one belongs to a group (students ...).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from bot.engine.replies import PREFIX_INTENT, Button, Reply
from bot.events.checklist import ChecklistItem
from bot.events.reminders import Reminders
from bot.events.render import AUDIENCE_LABELS
from bot.events.store import KIND_CHECKLIST, ChecklistRecord, EventStore
from bot.i18n import format_date, translator

__all__ = [
    "CHECKLIST_GROUPS",
    "PREFIX_CHECKLIST",
    "ChecklistFlow",
    "parse_moving_date",
]

PREFIX_CHECKLIST = "ck:"
#: Groups a person can say they belong to, for group-specific items (semester ticket ...).
CHECKLIST_GROUPS = ("students", "families", "workers")
#: How far from today a moving-in date may be: further is a typo.
_DATE_RANGE = timedelta(days=366)
_DMY = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_moving_date(text: str, *, today: date) -> date | None:
    """A date typed as 2026-12-01, 1.12.2026 or 1/12/2026 (day first), in any script's digits.

    Only a message that is nothing but a date counts, so an ordinary question is never taken for one.
    """
    cleaned = "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in text.strip().rstrip("."))
    cleaned = cleaned.replace("٫", ".").replace("،", ".").replace("／", "/")
    if match := _YMD.match(cleaned):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DMY.match(cleaned):
        day, month, year = (int(g) for g in match.groups())
    else:
        return None
    try:
        value = date(year, month, day)
    except ValueError:
        return None
    return value if abs(value - today) <= _DATE_RANGE else None


class ChecklistFlow:
    """The checklist conversation for one bot: items from the knowledge base, state in the store."""

    def __init__(self, items: Sequence[ChecklistItem], store: EventStore, reminders: Reminders) -> None:
        self.items = tuple(items)
        self.store = store
        self.reminders = reminders

    def item(self, item_id: str) -> ChecklistItem | None:
        return next((i for i in self.items if i.id == item_id), None)

    async def show(
        self,
        *,
        user_id: int,
        chat_id: int,
        lang: str,
        now: datetime,
        audience: str | None = None,
    ) -> list[Reply]:
        """The checklist, or the question for the moving-in date when it is not known yet.

        ``audience`` (e.g. "students" from the welcome-day link) adds that group's items.
        """
        record = await self.store.checklist(user_id)
        if record is None or (audience and audience not in record.audiences):
            groups = frozenset({audience} if audience else ())
            return await self._add_groups(record, groups, user_id=user_id, chat_id=chat_id, lang=lang, now=now)
        return self._shown(record, lang, now=now)

    def date_question(self, lang: str, *, today: date) -> Reply:
        _ = translator(lang).gettext
        text = _(
            "When did you move in (or when will you)? Tap a button or send the date, for example {example}."
        ).format(example=today.strftime("%d.%m.%Y"))
        buttons = (
            (Button(_("Today"), f"{PREFIX_CHECKLIST}d:{today.isoformat()}"),),
            (
                Button(_("A week ago"), f"{PREFIX_CHECKLIST}d:{(today - timedelta(days=7)).isoformat()}"),
                Button(_("Two weeks ago"), f"{PREFIX_CHECKLIST}d:{(today - timedelta(days=14)).isoformat()}"),
            ),
        )
        return Reply(text=text, buttons=buttons)

    def render(self, record: ChecklistRecord, lang: str, *, today: date) -> Reply:
        """Every task that applies, ticked or not, with its deadline; a row of buttons per task."""
        _ = translator(lang).gettext
        lines = [
            _("Your first weeks (moved in on {date}):").format(date=format_date(record.moved_in, lang, fmt="long"))
        ]
        rows: list[tuple[Button, ...]] = []
        for item in self.items:
            if not item.applies_to(record.audiences):
                continue
            done = item.id in record.done
            line = f"{'✅' if done else '⬜'} {item.title(lang)}"
            deadline = item.deadline(record.moved_in)
            if deadline and not done:
                shown = format_date(deadline, lang, fmt="long")
                if deadline < today:
                    line += " – " + _("overdue since {date}").format(date=shown)
                else:
                    line += " – " + _("by {date}").format(date=shown)
            lines.append(line)
            toggle = _("Not done yet") if done else _("Done")
            rows.append(
                (
                    Button(
                        f"{'↩️' if done else '✅'} {toggle}: {item.title(lang)[:28]}", f"{PREFIX_CHECKLIST}t:{item.id}"
                    ),
                    Button(_("How?"), PREFIX_INTENT + item.intent),
                )
            )
        extra = [
            Button(_("I am one of: {group}").format(group=_(AUDIENCE_LABELS[g])), f"{PREFIX_CHECKLIST}a:{g}")
            for g in CHECKLIST_GROUPS
            if g not in record.audiences and any(g in i.audience for i in self.items)
        ]
        if extra:
            rows.append(tuple(extra))
        rows.append((Button(_("Change the moving-in date"), f"{PREFIX_CHECKLIST}m"),))
        return Reply(text="\n".join(lines), buttons=tuple(rows))

    async def set_moved_in(self, *, user_id: int, chat_id: int, lang: str, day: date, now: datetime) -> list[Reply]:
        """Store the date, schedule the deadline reminders, and show the checklist."""
        await self.store.save_checklist(user_id=user_id, chat_id=chat_id, now=now.timestamp(), moved_in=day)
        record = await self.store.checklist(user_id)
        for item in self.items:
            if item.applies_to(record.audiences) and item.id not in record.done:
                await self.reminders.remind_checklist(
                    user_id=user_id, chat_id=chat_id, lang=lang, item=item, moved_in=day, now=now
                )
        return [self.render(record, lang, today=now.date())]

    async def toggle(self, *, user_id: int, chat_id: int, lang: str, item: ChecklistItem, now: datetime) -> list[Reply]:
        """Tick or untick ``item``; a ticked item's reminder is dropped, an unticked one's restored."""
        record = await self.store.checklist(user_id)
        if record is None or record.moved_in is None:
            return await self.show(user_id=user_id, chat_id=chat_id, lang=lang, now=now)
        done = item.id not in record.done
        await self.store.set_done(user_id, item.id, done, now=now.timestamp())
        if done:
            await self.store.cancel(user_id=user_id, kind=KIND_CHECKLIST, ref=item.id)
        else:
            await self.reminders.remind_checklist(
                user_id=user_id, chat_id=chat_id, lang=lang, item=item, moved_in=record.moved_in, now=now
            )
        return [self.render(await self.store.checklist(user_id), lang, today=now.date())]

    async def join_group(self, *, user_id: int, chat_id: int, lang: str, group: str, now: datetime) -> list[Reply]:
        record = await self.store.checklist(user_id)
        return await self._add_groups(record, frozenset({group}), user_id=user_id, chat_id=chat_id, lang=lang, now=now)

    async def _add_groups(
        self, record: ChecklistRecord | None, groups: frozenset[str], *, user_id: int, chat_id: int, lang: str,
        now: datetime,
    ) -> list[Reply]:
        """Save the checklist (created when `record` is None) with `groups` added, and show it."""
        audiences = (record.audiences if record else frozenset()) | groups
        await self.store.save_checklist(user_id=user_id, chat_id=chat_id, now=now.timestamp(), audiences=audiences)
        return self._shown(await self.store.checklist(user_id), lang, now=now)

    def _shown(self, record: ChecklistRecord, lang: str, *, now: datetime) -> list[Reply]:
        """The checklist, or the question for the moving-in date when it is not known yet."""
        if record.moved_in is None:
            return [self.date_question(lang, today=now.date())]
        return [self.render(record, lang, today=now.date())]
