"""Time zones: the one module that imports pytz.

UTC inside, the reader's IANA zone only at the edges. pytz zones must only be used
through ``localize()`` (wall time -> aware) and ``normalize()`` (after arithmetic);
``datetime(..., tzinfo=pytz_zone)`` silently picks the zone's first historical
offset (LMT), which is why nothing outside this module touches pytz.

Zones are passed around as IANA names (``str``). Names, dates and the 12-hour
clock are rendered in English regardless of the process locale.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Literal

import pytz

from bot.errors import AmbiguousTimeError, NonExistentTimeError, TimeParseError, UnknownZoneError
from bot.zone_names import ZoneIndex

__all__ = [
    "UTC",
    "ClockStyle",
    "DiscordStyle",
    "ZoneChoice",
    "day_bounds",
    "discord_timestamp",
    "format_day",
    "format_time",
    "format_time_range",
    "get_zone",
    "is_valid_zone",
    "local_day",
    "localize_wall_time",
    "now_in",
    "parse_user_time",
    "resolve_zone",
    "search_zones",
    "to_local",
    "zone_abbreviation",
]

# How a person reads hours: 24-hour or 12-hour with am/pm (a style, not a time source).
ClockStyle = Literal["24h", "12h"]
DiscordStyle = Literal["t", "T", "d", "D", "f", "F", "R"]

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# --- core -------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _zone(name: str) -> pytz.BaseTzInfo:
    return pytz.timezone(name)


def _pytz(name: str) -> pytz.BaseTzInfo:
    try:
        return _zone(name)
    except pytz.UnknownTimeZoneError:
        raise UnknownZoneError(f"“{name}” is not a time zone I know.") from None


def is_valid_zone(name: str) -> bool:
    """Return whether ``name`` is an IANA zone name pytz knows (exact spelling)."""
    try:
        _zone(name)
    except pytz.UnknownTimeZoneError:
        return False
    return True


def get_zone(name: str) -> tzinfo:
    """Return the pytz zone for an exact IANA name.

    :raises UnknownZoneError: the name is not an IANA zone.
    """
    return _pytz(name)


def _offset_text(offset: timedelta | None) -> str:
    minutes = round((offset or timedelta()).total_seconds() / 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


# Converting a date within a day of year 1 or 9999 overflows datetime; nobody means those.
FIRST_READABLE_DATE = date(2, 1, 1)
LAST_READABLE_DATE = date(9998, 12, 31)


def require_readable_date(day: date) -> date:
    """Return ``day`` if times on it can be converted between zones.

    :raises TimeParseError: the date is within a day of the calendar's ends.
    """
    if not FIRST_READABLE_DATE <= day <= LAST_READABLE_DATE:
        raise TimeParseError(
            f"{day.isoformat()} is too far away for me: pick a date between "
            f"{FIRST_READABLE_DATE.year} and {LAST_READABLE_DATE.year}."
        )
    return day


def localize_wall_time(naive: datetime, zone_name: str) -> datetime:
    """Return the aware UTC instant of a local wall-clock time in ``zone_name``.

    :raises NonExistentTimeError: the time falls in a DST gap (it never happens).
    :raises AmbiguousTimeError: the time falls in a DST fold (it happens twice).
    """
    if naive.tzinfo is not None:
        raise ValueError("localize_wall_time expects a naive wall-clock time")
    require_readable_date(naive.date())
    zone = _pytz(zone_name)
    try:
        local = zone.localize(naive, is_dst=None)
    except pytz.NonExistentTimeError:
        raise NonExistentTimeError(
            f"{naive:%Y-%m-%d %H:%M} does not exist in {zone_name}: "
            "the clocks skip it for daylight saving time."
        ) from None
    except pytz.AmbiguousTimeError:
        offsets = sorted(
            {_offset_text(zone.localize(naive, is_dst=d).utcoffset()) for d in (True, False)}
        )
        raise AmbiguousTimeError(
            f"{naive:%Y-%m-%d %H:%M} happens twice in {zone_name} (daylight saving time ends): "
            f"add the UTC offset, for example “{naive:%Y-%m-%d %H:%M} {offsets[-1]}”"
            f" or “{naive:%Y-%m-%d %H:%M} {offsets[0]}”."
        ) from None
    return local.astimezone(UTC)


def _require_aware(instant: datetime, what: str) -> None:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{what} expects an aware datetime")


def to_local(instant: datetime, zone_name: str) -> datetime:
    """Return ``instant`` (aware) as wall-clock time in ``zone_name``."""
    _require_aware(instant, "to_local")
    zone = _pytz(zone_name)
    return zone.normalize(instant.astimezone(zone))


def now_in(zone: str, now: datetime) -> datetime:
    """Return the aware ``now`` as wall-clock time in ``zone`` (callers pass the clock in)."""
    return to_local(now, zone)


def local_day(instant: datetime, zone: str) -> date:
    """Return the calendar date ``instant`` falls on in ``zone``."""
    return to_local(instant, zone).date()


def day_bounds(day: date, zone: str) -> tuple[datetime, datetime]:
    """Return ``(start, end)`` in UTC of the local calendar ``day`` in ``zone``; end is exclusive.

    The span is 23 or 25 hours on DST-change days; where midnight itself is skipped
    or repeated, the day starts at its first real instant.
    """
    if isinstance(day, datetime):
        raise TypeError("day_bounds expects a date, not a datetime")
    return _day_start(day, zone), _day_start(day + timedelta(days=1), zone)


def _day_start(day: date, zone_name: str) -> datetime:
    zone = _pytz(zone_name)
    midnight = datetime.combine(day, time())
    candidates = [zone.normalize(zone.localize(midnight, is_dst=d)) for d in (True, False)]
    return min(c for c in candidates if c.date() == day).astimezone(UTC)


# --- formatting -------------------------------------------------------------------


def zone_abbreviation(instant: datetime, zone: str) -> str:
    """Return the zone's abbreviation at ``instant`` ("AEDT"), or "UTC+05:45" if it has none."""
    return _abbreviation(to_local(instant, zone))


def _abbreviation(local: datetime) -> str:
    name = local.tzname() or ""
    if not name or name[0] in "+-" or name[0].isdigit():
        return f"UTC{_offset_text(local.utcoffset())}"
    return name


def format_day(day: date) -> str:
    """Return ``day`` as "Wed 24 Feb" (English, no leading zero, no year)."""
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"


def _hm(local: datetime, clock: ClockStyle) -> tuple[str, str]:
    """Return the clock reading and its meridiem ("" on the 24-hour clock)."""
    if clock == "24h":
        return f"{local:%H:%M}", ""
    if clock != "12h":
        raise ValueError(f"clock must be '12h' or '24h', not {clock!r}")
    return f"{(local.hour - 1) % 12 + 1}:{local:%M}", "a.m." if local.hour < 12 else "p.m."


def _day_marker(instant: datetime, zone: str, reference_zone: str | None) -> str:
    if reference_zone is None:
        return ""
    days = (local_day(instant, zone) - local_day(instant, reference_zone)).days
    if days == 0:
        return ""
    return f" ({days:+d} day{'s' if abs(days) > 1 else ''})"


def format_time(
    instant: datetime, zone: str, *, clock: ClockStyle = "24h", reference_zone: str | None = None
) -> str:
    """Return ``instant`` as "Wed 24 Feb 16:00 EST" (or "4:00 p.m. EST") in ``zone``.

    With ``reference_zone``, append "(+1 day)"/"(-1 day)" when the local date in
    ``zone`` differs from the one in ``reference_zone``.
    """
    local = to_local(instant, zone)
    reading, meridiem = _hm(local, clock)
    text = " ".join(filter(None, [format_day(local.date()), reading, meridiem]))
    return f"{text} {zone_abbreviation(instant, zone)}{_day_marker(instant, zone, reference_zone)}"


def format_time_range(
    start: datetime,
    end: datetime,
    zone: str,
    *,
    clock: ClockStyle = "24h",
    reference_zone: str | None = None,
) -> str:
    """Return a session's span in ``zone``: "Wed 24 Feb 16:00-17:45 EST".

    12-hour clock: "Wed 24 Feb 4:00-5:45 p.m. EST", "11:30 a.m.-12:15 p.m.". An end on
    a later local day names it ("Sat 27 Dec 23:00-Sun 00:30 CET"); an abbreviation
    change inside the span shows both ("01:30 EST-03:30 EDT"). ``reference_zone``
    adds the "(+1 day)"/"(-1 day)" marker comparing the start's local dates.
    """
    _require_aware(start, "format_time_range")
    _require_aware(end, "format_time_range")
    if end < start:
        raise ValueError("format_time_range: end is before start")
    first, last = to_local(start, zone), to_local(end, zone)
    (a, a_mer), (b, b_mer) = _hm(first, clock), _hm(last, clock)
    a_abbr, b_abbr = zone_abbreviation(start, zone), zone_abbreviation(end, zone)
    later_day = last.date() != first.date()
    if later_day:
        gap = (last.date() - first.date()).days
        b = f"{_WEEKDAYS[last.weekday()] if gap < 7 else format_day(last.date())} {b}"
    if a_mer == b_mer and a_abbr == b_abbr and not later_day:
        a_mer = ""
    left = " ".join(filter(None, [a, a_mer, a_abbr if a_abbr != b_abbr else ""]))
    right = " ".join(filter(None, [b, b_mer, b_abbr]))
    marker = _day_marker(start, zone, reference_zone)
    return f"{format_day(first.date())} {left}-{right}{marker}"


def discord_timestamp(instant: datetime, style: DiscordStyle = "F") -> str:
    """Return Discord's self-localising markup for ``instant``: "<t:1614200400:F>".

    Styles: t/T short/long time, d/D short/long date, f/F short/long date-time,
    R relative ("in 2 hours").
    """
    _require_aware(instant, "discord_timestamp")
    if style not in ("t", "T", "d", "D", "f", "F", "R"):
        raise ValueError(f"unknown Discord timestamp style {style!r}")
    return f"<t:{math.floor(instant.timestamp())}:{style}>"


# --- zone names -------------------------------------------------------------------

_RULES_YEAR = 2030  # a future year: zones that agree all of it keep the same clocks today


def _clock_signature(name: str) -> tuple[timedelta | None, ...]:
    zone = _zone(name)
    noon = datetime(_RULES_YEAR, 1, 1, 12, tzinfo=UTC)
    return tuple((noon + timedelta(days=n)).astimezone(zone).utcoffset() for n in range(365))


@lru_cache(maxsize=1)
def _index() -> ZoneIndex:
    index = ZoneIndex.build(
        all_zones=pytz.all_timezones,
        common_zones=pytz.common_timezones,
        country_zones={code: list(zones) for code, zones in pytz.country_timezones.items()},
        country_names=dict(pytz.country_names),
        signature=_clock_signature,
    )
    for letter in "abcdefghijklmnopqrstuvwxyz":  # warm the slowest (one-letter) queries
        index.search(letter, 0)
    return index


def resolve_zone(text: str) -> str:
    """Return the IANA zone name the user meant by ``text``.

    Accepts IANA names in any case with spaces or underscores ("america/new york"),
    cities with or without accents ("São Paulo", "sao paulo", "mumbai"), countries
    keeping one clock ("japan", "germany"), abbreviations ("EST", "AEDT", "CET" ->
    Europe/Paris), "UTC"/"GMT"/"Z" -> "UTC", and whole-hour "UTC+5"
    (-> "Etc/GMT-5"). See :mod:`bot.zone_names` for the deliberate choices.

    :raises UnknownZoneError: nothing matches; ``.suggestions`` holds up to 10 close names.
    :raises AmbiguousZoneError: several zones match ("IST", "australia");
        ``.suggestions`` lists them.
    """
    return _index().resolve(text)


@dataclass(frozen=True, slots=True)
class ZoneChoice:
    """One autocomplete entry: the IANA ``name`` to store and a ``label`` (<= 100 chars)."""

    name: str
    label: str


@lru_cache(maxsize=4096)
def _zone_label(name: str, minute: int) -> str:
    local = datetime.fromtimestamp(minute * 60, UTC).astimezone(_pytz(name))
    clock = f"{local.hour:02d}:{local.minute:02d}"
    now = f"now {_WEEKDAYS[local.weekday()]} {clock} {_abbreviation(local)}"
    return f"{name[: 100 - len(now) - 3]} - {now}"


def search_zones(text: str, *, now: datetime, limit: int = 25) -> list[ZoneChoice]:
    """Return up to ``limit`` (at most 25) zones matching ``text`` for autocomplete.

    Matches IANA names, cities, countries and abbreviations (exact, then prefix, then
    word prefix, then substring; popular zones first within each). Empty text gives
    popular zones. Labels read "Australia/Sydney - now Thu 08:12 AEDT".
    """
    _require_aware(now, "search_zones")
    limit = max(0, min(limit, 25))
    minute = math.floor(now.timestamp() / 60)
    return [ZoneChoice(z, _zone_label(z, minute)) for z in _index().search(text, limit)]


# --- parsing user input -----------------------------------------------------------

_EXAMPLES = (
    "15:45, 3:45pm, noon, tomorrow 9am, friday 10:00, in 10 minutes, 24 Feb 15:45"
    " or 2021-02-24 15:45"
)
_TIME = (
    r"(?:(?P<hour>\d{1,2})(?::(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?\s*(?P<mer>am|pm)?"
    r"|(?P<word>noon|midday|midnight))"
    r"(?:\s*(?P<offset>z|utc|gmt|(?:utc|gmt)?\s*[+-]\d{1,2}(?::?\d{2})?))?"
)
# "in 10 minutes", "in 2 hours", "in 90 min": counted from now, whatever the zone.
_FROM_NOW = re.compile(r"^in\s+(?P<amount>\d{1,4})\s*(?P<unit>m|mins?|minutes?|h|hrs?|hours?)$")
_DATE_THEN_TIME = re.compile(rf"^(?:(?P<date>.+?)\s+)?{_TIME}$")
_TIME_THEN_DATE = re.compile(rf"^{_TIME}\s+(?P<date>.+)$")
_ISO_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
_WD = r"(?:(?P<wd>[a-z]+)\s+)?"
_D = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?"
_Y = r"(?:\s+(?P<y>\d{4}))?"
_DAY_MONTH = re.compile(rf"^{_WD}{_D}\s+(?P<mon>[a-z]+){_Y}$")
_MONTH_DAY = re.compile(rf"^{_WD}(?P<mon>[a-z]+)\s+{_D}{_Y}$")
_OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+-])(\d{1,2}):?(\d{2})?$")
_RELATIVE = {"today": 0, "tonight": 0, "tomorrow": 1, "yesterday": -1}
_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH_NAMES = (
    *("january", "february", "march", "april", "may", "june"),
    *("july", "august", "september", "october", "november", "december"),
)


def _lookup(token: str, names: tuple[str, ...], extra: dict[str, int]) -> int | None:
    if token in extra:
        return extra[token]
    for i, name in enumerate(names):
        if len(token) >= 3 and name.startswith(token):
            return i
    return None


def _weekday(token: str) -> int | None:
    return _lookup(token, _WEEKDAY_NAMES, {"tues": 1, "weds": 2, "thur": 3, "thurs": 3})


_QUOTED_CHARS = 100


def _fail(text: str) -> TimeParseError:
    # An option may hold 6,000 characters and an answer 2,000: quote only the start.
    shown = text if len(text) <= _QUOTED_CHARS else text[: _QUOTED_CHARS - 1] + "…"
    return TimeParseError(f"I can't read “{shown}” as a time; try for example {_EXAMPLES}.")


def _parse_date(part: str, today: date, original: str) -> date:
    if part in _RELATIVE:
        return today + timedelta(days=_RELATIVE[part])
    nxt, _, rest = part.partition(" ")
    if (wd := _weekday(rest if nxt == "next" else part)) is not None:
        ahead = (wd - today.weekday()) % 7
        return today + timedelta(days=ahead or (7 if nxt == "next" else 0))
    if m := _ISO_DATE.match(part):
        year, month, day, weekday = int(m[1]), int(m[2]), int(m[3]), None
    elif m := (_DAY_MONTH.match(part) or _MONTH_DAY.match(part)):
        month_no = _lookup(m["mon"], _MONTH_NAMES, {"sept": 8})
        weekday = _weekday(m["wd"]) if m["wd"] else None
        if month_no is None or (m["wd"] and weekday is None):
            raise _fail(original)
        year, month, day = int(m["y"] or today.year), month_no + 1, int(m["d"])
    else:
        raise _fail(original)
    try:
        result = date(year, month, day)
    except ValueError:
        raise TimeParseError(f"There is no {day} {_MONTHS[month - 1]} {year}.") from None
    if weekday is not None and weekday != result.weekday():
        raise TimeParseError(
            f"{format_day(result)} {year} is a {_WEEKDAY_NAMES[result.weekday()].title()}, "
            f"not a {_WEEKDAY_NAMES[weekday].title()}."
        )
    return result


def _parse_clock(m: re.Match[str], original: str) -> time:
    if m["word"]:
        return time(12) if m["word"] in ("noon", "midday") else time(0)
    if m["minute"] is None and m["mer"] is None:
        raise _fail(original)  # a bare number such as "15" is not a time
    hour, minute, second = int(m["hour"]), int(m["minute"] or 0), int(m["second"] or 0)
    if m["mer"]:
        if not 1 <= hour <= 12:
            raise TimeParseError(f"“{original}”: with am/pm the hour must be 1 to 12.")
        hour = hour % 12 + (12 if m["mer"] == "pm" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise TimeParseError(f"“{original}” is not a valid time of day.")
    return time(hour, minute, second)


def _parse_offset(text: str, original: str) -> timedelta:
    if text in ("z", "utc", "gmt"):
        return timedelta()
    m = _OFFSET.match(text)
    if m is None:
        raise _fail(original)
    offset = timedelta(hours=int(m[2]), minutes=int(m[3] or 0)) * (-1 if m[1] == "-" else 1)
    if abs(offset) > timedelta(hours=14) or int(m[3] or 0) > 59:
        raise TimeParseError(f"“{original}”: a UTC offset must be within ±14:00.")
    return offset


def parse_user_time(text: str, zone: str, *, now: datetime) -> datetime:
    """Return the aware UTC instant of what the user typed, read as wall time in ``zone``.

    Accepts "2021-02-24 15:45", "2021-02-24T15:45", "24 Feb 15:45" (this year: not
    rolled to next year), "Wed 24 Feb 2021 15:45", "15:45", "3:45pm", "3pm",
    "3:45 p.m.", "noon", "midnight" (the day's start), "today 18:00", "tomorrow 9am",
    "friday 10:00" (the next Friday, today included), "next friday 10:00" (after
    today), "9am tomorrow" and "in 10 minutes" / "in 2 hours" (from ``now``). A bare
    time means today in ``zone``; it is not rolled to tomorrow when already past. A
    trailing UTC offset ("2021-11-07 01:30 -05:00", "15:45Z") is taken literally, which
    also settles a DST fold.

    :raises TimeParseError: the text is not a time; the message lists examples.
    :raises NonExistentTimeError: the wall time is skipped by a DST change.
    :raises AmbiguousTimeError: the wall time happens twice; add the offset.
    """
    original = " ".join(text.split())
    if not original:
        raise TimeParseError(f"Type a time, for example {_EXAMPLES}.")
    cleaned = re.sub(r"(?<![a-z])([ap])\.?\s?m(?![a-z])\.?", r"\1m", original.casefold())
    cleaned = re.sub(r"(\d)t(\d)", r"\1 \2", cleaned.replace(",", " "))
    cleaned = re.sub(r"\b(?:at|on)\b", " ", cleaned)
    cleaned = " ".join(cleaned.split())
    relative = _FROM_NOW.match(cleaned)
    if relative is not None:
        _require_aware(now, "now")
        unit = timedelta(hours=1) if relative["unit"].startswith("h") else timedelta(minutes=1)
        return (now + int(relative["amount"]) * unit).astimezone(UTC)
    m = _DATE_THEN_TIME.match(cleaned) or _TIME_THEN_DATE.match(cleaned)
    if m is None:
        raise _fail(original)
    clock = _parse_clock(m, original)
    today = local_day(now, zone)
    day = _parse_date(m["date"], today, original) if m["date"] else today
    require_readable_date(day)
    if m["offset"]:
        offset = _parse_offset(m["offset"].replace(" ", ""), original)
        return datetime.combine(day, clock, tzinfo=timezone(offset)).astimezone(UTC)
    return localize_wall_time(datetime.combine(day, clock), zone)
