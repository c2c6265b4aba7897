"""Speaker cards and the speaker list, as plain data (Discord's limits applied)."""

from __future__ import annotations

from datetime import datetime

from bot.answers.reader import Reader, zone_hint
from bot.rendering.cards import Card, CardField
from bot.rendering.sessions import times_in, when
from bot.rendering.text import neutralise, plural, truncate
from bot.schedule.index import ScheduleIndex
from bot.schedule.model import Speaker
from bot.timezones import discord_timestamp

# A bio longer than this is cut, with a link to the full page when there is one.
BIO_LIMIT = 1500
# Sessions listed on one card; more are summarised as "and N more".
SESSIONS_ON_CARD = 10
SPEAKERS_PER_PAGE = 15


def safe_url(url: str | None) -> str | None:
    """Return ``url`` if it is an http(s) address Discord will accept, else ``None``."""
    if url and url.startswith(("https://", "http://")) and len(url) <= 2000 and " " not in url:
        return url
    return None


def speaker_card(
    speaker: Speaker,
    index: ScheduleIndex,
    reader: Reader,
    *,
    discord_user_id: int | None = None,
) -> Card:
    """Return the card for one speaker: who they are and every session in the reader's zone."""
    lines: list[str] = []
    if speaker.affiliation:
        lines.append(f"*{neutralise(speaker.affiliation)}*")
    if discord_user_id is not None:
        lines.append(f"On Discord: <@{discord_user_id}>")
    if speaker.bio:
        bio = neutralise(" ".join(speaker.bio.split()))
        page = safe_url(speaker.url)
        if len(bio) > BIO_LIMIT:
            bio = truncate(bio, BIO_LIMIT) + (f" [Full bio]({page})" if page else "")
        lines.append(bio)
    sessions = index.sessions_by_speaker(speaker.id)
    fields = [
        CardField(
            truncate(neutralise(session.title), 256),
            f"{when(session, reader)}\n{discord_timestamp(session.start, 'F')}",
        )
        for session in sessions[:SESSIONS_ON_CARD]
    ]
    if len(sessions) > SESSIONS_ON_CARD:
        fields.append(CardField("More sessions", f"and {len(sessions) - SESSIONS_ON_CARD} more."))
    if not sessions:
        fields.append(CardField("Sessions", "No sessions in the schedule."))
    links = [url for url in speaker.links if safe_url(url)]
    if links:
        fields.append(CardField("Links", "\n".join(f"<{url}>" for url in links[:5])))
    footer = times_in(reader, "\n".join(field.value for field in fields))
    hint = zone_hint(reader)
    return Card(
        title=neutralise(speaker.name),
        description="\n\n".join(lines) or None,
        url=safe_url(speaker.url),
        fields=tuple(fields),
        footer=f"{footer}. {hint}" if hint else footer,
        thumbnail_url=safe_url(speaker.avatar_url),
    )


def speaker_list_pages(
    speakers: list[Speaker],
    index: ScheduleIndex,
    reader: Reader,
    now: datetime,
    *,
    heading: str,
    track_id: str | None = None,
) -> tuple[Card, ...]:
    """Return pages listing ``speakers`` (already sorted) with each one's next session.

    With ``track_id`` the next session is the next one in that track.
    """
    lines = []
    for speaker in speakers:
        line = f"**{neutralise(speaker.name)}**"
        if speaker.affiliation:
            line += f" ({truncate(neutralise(speaker.affiliation), 80)})"
        upcoming = [
            session
            for session in index.sessions_by_speaker(speaker.id)
            if session.end > now and (track_id is None or session.track_id == track_id)
        ]
        if upcoming:
            line += f"\n  next: {truncate(neutralise(upcoming[0].title), 90)}, "
            line += when(upcoming[0], reader)
        else:
            line += "\n  no upcoming sessions"
        lines.append(line)
    chunks = [lines[i : i + SPEAKERS_PER_PAGE] for i in range(0, len(lines), SPEAKERS_PER_PAGE)]
    hint = zone_hint(reader)
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        count = plural(len(speakers), "speaker")
        times = times_in(reader, "\n".join(chunk))
        footer = f"Page {number}/{len(chunks)} · {count} · {times[0].lower()}{times[1:]}"
        pages.append(
            Card(
                title=heading,
                description="\n".join(chunk),
                footer=f"{footer}. {hint}" if hint else footer,
            )
        )
    return tuple(pages)
