"""A strict, independent reading of RFC 5545 text: the second check of every feed.

It shares nothing with the icalendar library: it checks the octet-level rules (CRLF
line ends, folding at 75 octets, content-line grammar, balanced components, the
properties a VEVENT must have once) and returns each event's properties as text.
"""

from __future__ import annotations

import re

_CONTENT_LINE = re.compile(
    r"(?P<name>[A-Za-z0-9-]+)(?P<params>(;[A-Za-z0-9-]+=(\"[^\"]*\"|[^;:,\"]*)"
    r"(,(\"[^\"]*\"|[^;:,\"]*))*)*):(?P<value>.*)"
)
_TEXT = re.compile(r"([^\\;,]|\\[\\;,nN])*")  # RFC 5545 3.3.11: escapes, no bare ; or ,
_TEXT_PROPERTIES = ("SUMMARY", "LOCATION", "DESCRIPTION", "X-WR-CALNAME")
_UTC_STAMP = re.compile(r"\d{8}T\d{6}Z")
_EVENT_ONCE = ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "SEQUENCE", "STATUS")


def read_events(data: bytes) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Return the calendar's properties and each VEVENT's; raise AssertionError if malformed."""
    text = data.decode("utf-8")
    assert text.endswith("\r\n"), "the last line must end with CRLF (RFC 5545 3.1)"
    physical = text[:-2].split("\r\n")
    assert all("\n" not in line and "\r" not in line for line in physical), "bare LF or CR"
    for line in physical:
        assert len(line.encode()) <= 75, f"line over 75 octets: {line!r} (RFC 5545 3.1)"
    logical: list[str] = []
    for line in physical:
        if line.startswith((" ", "\t")):
            assert logical, "a continuation line cannot come first"
            logical[-1] += line[1:]
        else:
            logical.append(line)
    stack: list[str] = []
    calendar: dict[str, str] = {}
    events: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in logical:
        match = _CONTENT_LINE.fullmatch(line)
        assert match, f"not a content line: {line!r} (RFC 5545 3.1)"
        name, value = match["name"].upper(), match["value"]
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                assert stack == ["VCALENDAR", "VEVENT"], f"misplaced VEVENT: {stack}"
                current = {}
            continue
        if name == "END":
            assert stack[-1:] == [value], f"END:{value} does not close {stack}"
            stack.pop()
            if value == "VEVENT":
                assert current is not None
                for required in _EVENT_ONCE:
                    assert required in current, f"VEVENT without {required}"
                events.append(current)
                current = None
            continue
        target = current if current is not None and stack[-1] == "VEVENT" else calendar
        if name in _TEXT_PROPERTIES:
            assert _TEXT.fullmatch(value), f"{name} is not escaped TEXT: {value!r}"
        if stack[-1] in ("VEVENT", "VCALENDAR"):
            assert name not in target or name in ("DESCRIPTION",), f"{name} twice"
            target[name] = value
    assert stack == [], f"unclosed components: {stack}"
    assert calendar.get("VERSION") == "2.0"
    assert "PRODID" in calendar
    for event in events:
        for stamp in ("DTSTAMP", "DTSTART", "DTEND"):
            assert _UTC_STAMP.fullmatch(event[stamp]), f"{stamp} not UTC: {event[stamp]}"
        assert event["SEQUENCE"].isdigit(), "SEQUENCE must be a non-negative integer"
        assert event["STATUS"] in ("TENTATIVE", "CONFIRMED", "CANCELLED")
    return calendar, events
