"""A record's date: from its event's time, else from the document's date when the time is relative to it.

In order: the first mention whose time has a calendar `start` gives it, at that time's precision;
else a time anchored to the publication whose words are a deictic this module reads ("today",
"yesterday", "last night", "on Tuesday") counts from the document's date, when that is known to the
day; else a day and month without a year ("March 29") take the year that puts them on or before a
document date known to the day (or month). Anything else is null, with precision `unknown`: a date is
never invented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

DAYS_BACK = {
    "today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0, "earlier today": 0,
    "yesterday": 1, "last night": 1, "yesterday morning": 1, "yesterday afternoon": 1, "yesterday evening": 1,
}  # fmt: skip
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")  # fmt: skip
_MONTH = "(" + "|".join(MONTHS) + ")"
DAY_MONTH = re.compile(rf"^(?:on\s+)?(?:(\d{{1,2}})\s+{_MONTH}|{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?)$", re.IGNORECASE)
WEEKDAY = re.compile(r"^(on\s+|last\s+)?(" + "|".join(WEEKDAYS) + r")$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Dated:
    """A record's date (ISO, truncated to `precision`; None when unknown), how it was found, and its span."""

    date: str | None
    precision: str
    source: str | None  # "event time", "document date" or None
    span: dict[str, Any] | None


UNKNOWN = Dated(None, "unknown", None, None)


def _published(metadata: dict[str, Any]) -> date | None:
    published = metadata["published"]
    if published["date"] is None or published["precision"] != "day":
        return None
    return date.fromisoformat(published["date"])


def relative_day(words: str, published: date) -> date | None:
    """The day a deictic or a yearless day and month names, counted back from `published` (None: not read)."""
    words = " ".join(words.casefold().split())
    if words in DAYS_BACK:
        return published - timedelta(days=DAYS_BACK[words])
    weekday = WEEKDAY.match(words)
    if weekday:  # news usage: the last such day on or before the report; `last Tuesday` is never the report's day
        back = (published.weekday() - WEEKDAYS.index(weekday.group(2))) % 7
        return published - timedelta(days=back or (7 if (weekday.group(1) or "").startswith("last") else 0))
    day_month = DAY_MONTH.match(words)
    if day_month:
        day = int(day_month.group(1) or day_month.group(4))
        month = MONTHS.index((day_month.group(2) or day_month.group(3)).casefold()) + 1
        # the last such day on or before the report, up to four years back (February 29)
        for year in range(published.year, published.year - 5, -1):
            try:
                found = date(year, month, day)
            except ValueError:
                continue
            if found <= published:
                return found
    return None


def date_of(mentions: tuple[dict[str, Any], ...], metadata: dict[str, Any], text: str) -> Dated:
    """The record's date from its mentions' times and the document's metadata (see the module)."""
    times = [m["time"] for m in mentions if m["time"] is not None]
    for time in times:
        if time["start"] is not None:
            return Dated(time["start"], time["precision"], "event time", time["span"])
    published = _published(metadata)
    if published is None:
        return UNKNOWN
    for time in times:
        if time["span"] is None or time["anchor"] not in ("publication", "absolute"):
            continue
        day = relative_day(text[time["span"]["start"] : time["span"]["end"]], published)
        if day is not None:
            return Dated(day.isoformat(), "day", "document date", time["span"])
    return UNKNOWN
