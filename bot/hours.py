"""When the staff desk is in: weekly hours minus public holidays, in the deployment's time zone.

Plain data in (the knowledge base's ``handoff.staff_hours``, holiday region and time zone), plain
datetimes out; the wording ("back on Monday at 9:00") is the adapters' job.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import holidays as holidays_lib

__all__ = ["Period", "StaffHours"]

#: How far ahead to look for the next opening (a long holiday season still fits).
SEARCH_DAYS = 60


class _HoursLike(Protocol):
    days: tuple[int, ...]
    start: time
    end: time


@dataclass(frozen=True)
class Period:
    """Open from ``start`` to ``end`` on the given weekdays (0 = Monday)."""

    days: tuple[int, ...]
    start: time
    end: time


@dataclass(frozen=True)
class StaffHours:
    periods: tuple[Period, ...]
    timezone: ZoneInfo
    holiday_calendar: Any = field(default=None, compare=False)

    @classmethod
    def build(
        cls,
        periods: Iterable[_HoursLike],
        *,
        timezone: str,
        holidays_country: str | None = None,
        holidays_subdivision: str | None = None,
    ) -> StaffHours:
        calendar = None
        if holidays_country:
            calendar = holidays_lib.country_holidays(holidays_country, subdiv=holidays_subdivision)
        return cls(
            periods=tuple(Period(tuple(p.days), p.start, p.end) for p in periods),
            timezone=ZoneInfo(timezone),
            holiday_calendar=calendar,
        )

    @classmethod
    def from_kb_settings(cls, kb_settings: Any, *, timezone: str | None = None) -> StaffHours:
        """From the knowledge base's settings; ``timezone`` (WELCOMEBOT_TIMEZONE) overrides."""
        return cls.build(
            kb_settings.handoff.staff_hours,
            timezone=timezone or kb_settings.timezone,
            holidays_country=kb_settings.holidays_country,
            holidays_subdivision=kb_settings.holidays_subdivision,
        )

    @property
    def known(self) -> bool:
        """False when no hours are configured: then nobody can promise a time."""
        return bool(self.periods)

    def is_holiday(self, day: date) -> bool:
        return self.holiday_calendar is not None and day in self.holiday_calendar

    def _intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        if self.is_holiday(day):
            return []
        spans = []
        for period in self.periods:
            if day.weekday() in period.days:
                spans.append(
                    (
                        datetime.combine(day, period.start, tzinfo=self.timezone),
                        datetime.combine(day, period.end, tzinfo=self.timezone),
                    )
                )
        return sorted(spans)

    def is_open(self, now: datetime) -> bool:
        local = now.astimezone(self.timezone)
        return any(start <= local < end for start, end in self._intervals(local.date()))

    def next_opening(self, now: datetime) -> datetime | None:
        """When staff are next in, in the local time zone; ``now`` itself when they are in.

        None when no hours are configured (or none within :data:`SEARCH_DAYS`).
        """
        local = now.astimezone(self.timezone)
        for offset in range(SEARCH_DAYS):
            day = local.date() + timedelta(days=offset)
            for start, end in self._intervals(day):
                if local < end:
                    return local if start <= local else start
        return None
