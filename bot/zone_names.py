"""Zone names people type: IANA names, cities, countries and abbreviations.

Data tables plus the lookup logic behind :func:`bot.timezones.resolve_zone` and
:func:`bot.timezones.search_zones`. This module never imports pytz: the zone
catalogue and the "do these zones keep the same clocks?" signature are handed in
by :mod:`bot.timezones` when it builds the :class:`ZoneIndex` (once, lazily).

Deliberate choices:

* ``UTC``, ``GMT``, ``UT`` and ``Z`` all mean ``UTC``.
* Abbreviations with one obvious meaning map to one zone; the Central European
  ones (``CET``/``CEST``) map to ``Europe/Paris``, ``EET``/``EEST`` to
  ``Europe/Athens``, ``AEST``/``AEDT`` to ``Australia/Sydney``. ``IST``, ``CST``,
  ``MST`` and ``AST`` are genuinely ambiguous and raise
  :class:`~bot.errors.AmbiguousZoneError`.
* A country resolves to one zone when all of its zones keep the same clocks
  today (``germany`` -> ``Europe/Berlin``; Büsingen keeps Berlin's clocks), or
  when it has one official time (``china`` -> ``Asia/Shanghai``); otherwise it is
  ambiguous and the error lists one zone per distinct clock.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.errors import AmbiguousZoneError, UnknownZoneError

__all__ = ["POPULAR_ZONES", "ZoneIndex", "normalize"]

#: Shown for an empty autocomplete query and used to rank matches (earlier = first).
POPULAR_ZONES: tuple[str, ...] = (
    "UTC",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Africa/Lagos",
    "Africa/Johannesburg",
    "Europe/Moscow",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "America/Toronto",
    "America/Mexico_City",
    "America/Phoenix",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Argentina/Buenos_Aires",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Amsterdam",
    "Europe/Istanbul",
    "Africa/Cairo",
    "Africa/Nairobi",
    "Asia/Karachi",
    "Asia/Dhaka",
    "Asia/Bangkok",
    "Asia/Jakarta",
    "Asia/Hong_Kong",
    "Asia/Seoul",
    "Australia/Brisbane",
    "Australia/Adelaide",
    "Australia/Perth",
)

_UTC_WORDS = frozenset({"utc", "gmt", "ut", "z", "zulu", "etc/utc", "etc/gmt"})

#: Abbreviation (lower case) -> zones. One zone resolves; several are ambiguous.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "est": ("America/New_York",),
    "edt": ("America/New_York",),
    "et": ("America/New_York",),
    "cst": ("America/Chicago", "Asia/Shanghai", "America/Havana"),
    "cdt": ("America/Chicago",),
    "ct": ("America/Chicago",),
    "mst": ("America/Denver", "America/Phoenix"),
    "mdt": ("America/Denver",),
    "mt": ("America/Denver",),
    "pst": ("America/Los_Angeles",),
    "pdt": ("America/Los_Angeles",),
    "pt": ("America/Los_Angeles",),
    "akst": ("America/Anchorage",),
    "akdt": ("America/Anchorage",),
    "hst": ("Pacific/Honolulu",),
    "ast": ("America/Halifax", "Asia/Riyadh"),
    "adt": ("America/Halifax",),
    "nst": ("America/St_Johns",),
    "ndt": ("America/St_Johns",),
    "brt": ("America/Sao_Paulo",),
    "art": ("America/Argentina/Buenos_Aires",),
    "wet": ("Europe/Lisbon",),
    "west": ("Europe/Lisbon",),
    "bst": ("Europe/London",),
    "cet": ("Europe/Paris",),
    "cest": ("Europe/Paris",),
    "eet": ("Europe/Athens",),
    "eest": ("Europe/Athens",),
    "msk": ("Europe/Moscow",),
    "wat": ("Africa/Lagos",),
    "cat": ("Africa/Maputo",),
    "eat": ("Africa/Nairobi",),
    "sast": ("Africa/Johannesburg",),
    "ist": ("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"),
    "pkt": ("Asia/Karachi",),
    "wib": ("Asia/Jakarta",),
    "ict": ("Asia/Bangkok",),
    "sgt": ("Asia/Singapore",),
    "hkt": ("Asia/Hong_Kong",),
    "kst": ("Asia/Seoul",),
    "jst": ("Asia/Tokyo",),
    "awst": ("Australia/Perth",),
    "acst": ("Australia/Adelaide",),
    "acdt": ("Australia/Adelaide",),
    "aest": ("Australia/Sydney",),
    "aedt": ("Australia/Sydney",),
    "aet": ("Australia/Sydney",),
    "nzst": ("Pacific/Auckland",),
    "nzdt": ("Pacific/Auckland",),
}

#: Cities (and nicknames) that are not the last part of an IANA name.
CITY_ALIASES: dict[str, str] = {
    "nyc": "America/New_York",
    "washington": "America/New_York",
    "washington dc": "America/New_York",
    "boston": "America/New_York",
    "miami": "America/New_York",
    "atlanta": "America/New_York",
    "philadelphia": "America/New_York",
    "houston": "America/Chicago",
    "dallas": "America/Chicago",
    "austin": "America/Chicago",
    "san francisco": "America/Los_Angeles",
    "seattle": "America/Los_Angeles",
    "san diego": "America/Los_Angeles",
    "portland": "America/Los_Angeles",
    "montreal": "America/Toronto",
    "ottawa": "America/Toronto",
    "rio": "America/Sao_Paulo",
    "rio de janeiro": "America/Sao_Paulo",
    "brasilia": "America/Sao_Paulo",
    "edinburgh": "Europe/London",
    "manchester": "Europe/London",
    "munich": "Europe/Berlin",
    "frankfurt": "Europe/Berlin",
    "hamburg": "Europe/Berlin",
    "geneva": "Europe/Zurich",
    "barcelona": "Europe/Madrid",
    "milan": "Europe/Rome",
    "kiev": "Europe/Kyiv",
    "st petersburg": "Europe/Moscow",
    "saint petersburg": "Europe/Moscow",
    "tel aviv": "Asia/Jerusalem",
    "abu dhabi": "Asia/Dubai",
    "mumbai": "Asia/Kolkata",
    "bombay": "Asia/Kolkata",
    "delhi": "Asia/Kolkata",
    "new delhi": "Asia/Kolkata",
    "bangalore": "Asia/Kolkata",
    "bengaluru": "Asia/Kolkata",
    "chennai": "Asia/Kolkata",
    "calcutta": "Asia/Kolkata",
    "beijing": "Asia/Shanghai",
    "shenzhen": "Asia/Shanghai",
    "guangzhou": "Asia/Shanghai",
    "hanoi": "Asia/Bangkok",
    "saigon": "Asia/Ho_Chi_Minh",
    "osaka": "Asia/Tokyo",
    "kyoto": "Asia/Tokyo",
    "canberra": "Australia/Sydney",
    "cape town": "Africa/Johannesburg",
    "wellington": "Pacific/Auckland",
}

#: Other names for countries -> ISO 3166 code.
COUNTRY_ALIASES: dict[str, str] = {
    "uk": "GB",
    "united kingdom": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "us": "US",
    "usa": "US",
    "united states of america": "US",
    "america": "US",
    "uae": "AE",
    "south korea": "KR",
    "north korea": "KP",
    "czech republic": "CZ",
    "holland": "NL",
    "the netherlands": "NL",
    "burma": "MM",
    "swaziland": "SZ",
    "vatican": "VA",
    "russian federation": "RU",
}

#: Countries with one official time although the tz database has several zones.
COUNTRY_PRIMARY: dict[str, str] = {"CN": "Asia/Shanghai"}

#: Top-level areas of the zones offered by autocomplete (no backward-compatible links).
_REGIONS = frozenset(
    {"Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia"}
    | {"Europe", "Indian", "Pacific"}
)

_MAX_SUGGESTIONS = 10
_MAX_LISTED = 25
_SEARCH_CACHE_SIZE = 4096
_DASH_BETWEEN_LETTERS = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")
_DROPPED = re.compile(r"[.'’,]")
_SPACES = re.compile(r"\s+")
_OFFSET = re.compile(r"^(?:utc|gmt)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$")


def normalize(text: str) -> str:
    """Return the lookup key for ``text``: case-folded, accents stripped, ``_`` as space.

    ``"América/New_York"``, ``"america/new york"`` and ``"AMERICA / NEW-YORK"`` all
    give ``"america/new york"``; ``"São Paulo"`` gives ``"sao paulo"``.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    text = _DASH_BETWEEN_LETTERS.sub(" ", text.replace("_", " "))
    text = _DROPPED.sub("", text).replace("&", " and ")
    text = _SPACES.sub(" ", text).strip()
    return text.replace(" /", "/").replace("/ ", "/")


def _country_keys(name: str) -> Iterable[str]:
    """Yield keys for a pytz country name such as ``"Korea (South)"`` or ``"Britain (UK)"``."""
    key = normalize(name)
    yield key
    base, paren, rest = key.partition("(")
    if paren:
        inner = rest.rstrip(")").strip()
        yield base.strip()
        yield f"{inner} {base.strip()}"


@dataclass
class ZoneIndex:
    """Precomputed lookup tables over a zone catalogue; build once with :meth:`build`."""

    names: dict[str, str]
    """Normalised IANA name -> IANA name, for every ``Area/Location`` zone and ``UTC``."""
    aliases: dict[str, tuple[str, ...]]
    """Normalised city, abbreviation or nickname -> zones (several = ambiguous)."""
    countries: dict[str, tuple[str, ...]]
    """Normalised country name -> ISO codes (``korea`` names two countries)."""
    country_zones: Mapping[str, Sequence[str]]
    signature: Callable[[str], Hashable]
    search_entries: dict[str, tuple[str, ...]]
    """Normalised key -> the autocomplete zones it stands for."""
    rank: dict[str, int]
    _country_cache: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _search_cache: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _ordered: tuple[str, ...] = ()
    """Autocomplete zones, most popular first, then by name; ``_scan`` refers to them by index."""
    _scan: list[tuple[str, tuple[int, ...]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        zones = {z for group in self.search_entries.values() for z in group}
        unranked = len(self.rank)
        self._ordered = tuple(sorted(zones, key=lambda z: (self.rank.get(z, unranked), z)))
        position = {zone: i for i, zone in enumerate(self._ordered)}
        self._scan = [
            (key, tuple(position[z] for z in group)) for key, group in self.search_entries.items()
        ]

    @classmethod
    def build(
        cls,
        *,
        all_zones: Iterable[str],
        common_zones: Iterable[str],
        country_zones: Mapping[str, Sequence[str]],
        country_names: Mapping[str, str],
        signature: Callable[[str], Hashable],
    ) -> ZoneIndex:
        """Build the tables; ``signature(zone)`` is equal for zones that keep the same clocks."""
        # Legacy link names without an area ("Japan", "EST", "GB") are left to the
        # country and abbreviation tables, which pick the canonical zone.
        names = {normalize(z): z for z in all_zones if "/" in z or z == "UTC"}
        listed = [z for z in common_zones if z.split("/")[0] in _REGIONS] + ["UTC"]
        aliases: dict[str, tuple[str, ...]] = {}
        for zone in listed:
            city = normalize(zone.rsplit("/", 1)[-1])
            aliases[city] = (*aliases.get(city, ()), zone)
        for alias, zone in CITY_ALIASES.items():
            aliases.setdefault(alias, (zone,))
        countries: dict[str, tuple[str, ...]] = {}
        for code, name in country_names.items():
            for key in _country_keys(name):
                countries[key] = (*countries.get(key, ()), code)
        countries.update((alias, (code,)) for alias, code in COUNTRY_ALIASES.items())
        entries: dict[str, set[str]] = {}
        known = set(listed)
        for zone in listed:
            entries.setdefault(normalize(zone), set()).add(zone)
        for key, zones in [*aliases.items(), *ABBREVIATIONS.items()]:
            entries.setdefault(key, set()).update(z for z in zones if z in known)
        for key, codes in countries.items():
            for code in codes:
                zones_of = [z for z in country_zones.get(code, ()) if z in known]
                entries.setdefault(key, set()).update(zones_of)
        rank = {zone: i for i, zone in enumerate(POPULAR_ZONES)}
        return cls(
            names=names,
            aliases=aliases,
            countries=countries,
            country_zones=country_zones,
            signature=signature,
            search_entries={k: tuple(sorted(v)) for k, v in entries.items() if v},
            rank=rank,
        )

    def resolve(self, text: str) -> str:
        """Return the IANA name ``text`` denotes; see :func:`bot.timezones.resolve_zone`."""
        key = normalize(text)
        if not key:
            raise UnknownZoneError("Type a time zone, for example “Europe/Paris” or “Tokyo”.")
        if key in _UTC_WORDS:
            return "UTC"
        if key in ABBREVIATIONS:
            return self._one(text, ABBREVIATIONS[key])
        if (offset := _OFFSET.match(key)) is not None:
            return self._fixed_offset(text, offset)
        if key in self.names:
            return self.names[key]
        if key in self.aliases:
            return self._one(text, self.aliases[key])
        if key in self.countries:
            choices = (z for code in self.countries[key] for z in self._country_choices(code))
            return self._one(text, tuple(dict.fromkeys(choices)))
        raise UnknownZoneError(
            f"I don't know the time zone “{text.strip()}”: "
            "try a city such as “Tokyo” or a name such as “Europe/Paris”.",
            suggestions=self.suggest(key),
        )

    def _one(self, text: str, zones: tuple[str, ...]) -> str:
        if len(zones) == 1:
            return zones[0]
        listed = ", ".join(zones[:_MAX_SUGGESTIONS]) + (
            ", …" if len(zones) > _MAX_SUGGESTIONS else ""
        )
        raise AmbiguousZoneError(
            f"“{text.strip()}” could mean several time zones; pick one: {listed}.",
            suggestions=list(zones),
        )

    def _fixed_offset(self, text: str, match: re.Match[str]) -> str:
        sign, hours, minutes = match.group(1), int(match.group(2)), int(match.group(3) or 0)
        if minutes == 0 and hours == 0:
            return "UTC"
        # Etc/GMT names have the POSIX sign: Etc/GMT-5 is five hours *ahead* of UTC.
        name = f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"
        if minutes or normalize(name) not in self.names:
            raise UnknownZoneError(
                f"“{text.strip()}” is not a whole-hour UTC offset I can use: "
                "type the city instead, for example “Kolkata”."
            )
        return name

    def _country_choices(self, code: str) -> tuple[str, ...]:
        """Return one zone per distinct clock in the country (the first one if it has one)."""
        if code in COUNTRY_PRIMARY:
            return (COUNTRY_PRIMARY[code],)
        if code not in self._country_cache:
            groups: dict[Hashable, list[str]] = {}
            for zone in self.country_zones.get(code, ()):
                groups.setdefault(self.signature(zone), []).append(zone)
            self._country_cache[code] = tuple(
                min(group, key=self._representative_rank) for group in groups.values()
            )[:_MAX_LISTED]
        return self._country_cache[code]

    def _representative_rank(self, zone: str) -> tuple[int, int]:
        return (self.rank.get(zone, len(self.rank)), zone.startswith("Antarctica/"))

    def suggest(self, key: str) -> list[str]:
        """Return at most ten zone names close to the normalised ``key``, best first."""
        found: list[str] = []
        for match in difflib.get_close_matches(key, self.search_entries, n=30, cutoff=0.6):
            for zone in self.search_entries[match]:
                if zone not in found:
                    found.append(zone)
        if len(found) < _MAX_SUGGESTIONS:
            found.extend(z for z in self.search(key, _MAX_SUGGESTIONS) if z not in found)
        return found[:_MAX_SUGGESTIONS]

    def search(self, text: str, limit: int) -> list[str]:
        """Return up to ``limit`` zone names matching ``text`` (popular zones if empty).

        Exact key matches rank first, then prefixes, word prefixes ("york") and other
        substrings; popular zones first within each. Answers are cached per query.
        """
        query = normalize(text)
        if not query:
            return list(POPULAR_ZONES[:limit])
        found = self._search_cache.get(query)
        if found is None:
            if len(self._search_cache) >= _SEARCH_CACHE_SIZE:
                self._search_cache.clear()
            found = self._search_cache[query] = self._search(query)
        return list(found[:limit])

    def _search(self, query: str) -> tuple[str, ...]:
        best: dict[int, int] = {}
        for key, ids in self._scan:
            pos = key.find(query)
            if pos < 0:
                continue
            if pos == 0:
                score = 0 if len(key) == len(query) else 1
            else:
                score = 2 if key[pos - 1] in " /" else 3
            for i in ids:
                if score < best.get(i, 9):
                    best[i] = score
        top = sorted(best, key=lambda i: (best[i], i))[:_MAX_LISTED]
        names = [self._ordered[i] for i in top]
        exact = self.names.get(query)  # a legacy name such as "us/eastern", typed in full
        if exact is not None:
            names = [exact, *(n for n in names if n != exact)]
        return tuple(names[:_MAX_LISTED])
