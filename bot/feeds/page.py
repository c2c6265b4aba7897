"""The agenda page: a person's sessions by their local day, as one self-contained HTML page.

Served at ``/agenda/<token>`` beside the feed (``/agenda/<token>.ics``). Server-rendered,
no JavaScript, no external assets: the style is inline (allowed by its hash in the
Content-Security-Policy, :data:`PAGE_HEADERS`) and the only images are each day's picture,
served by the same server at ``/agenda/<token>/day/<YYYY-MM-DD>.png``. Every string
from the schedule is HTML-escaped; only http(s) links become links.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

__all__ = ["PAGE_HEADERS", "PageDay", "PageSession", "agenda_html"]

STYLE = """
*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:#1c1c20;background:#f6f6f9;overflow-wrap:anywhere}
main{max-width:46rem;margin:0 auto;padding:1rem}
h1{font-size:1.4rem;margin:.2rem 0}
h2{font-size:1.15rem;margin:1.6rem 0 .5rem;border-bottom:2px solid #c47800}
.zone{color:#55555f;margin:0 0 1rem}
.subscribe{background:#fff;border:1px solid #dcdce4;border-radius:.5rem;padding:.6rem .8rem}
.subscribe a{display:inline-block;margin:.2rem .6rem .2rem 0}
ol{list-style:none;margin:0;padding:0}
li{background:#fff;border:1px solid #dcdce4;border-left:4px solid #c47800;border-radius:.5rem;
margin:.5rem 0;padding:.5rem .7rem}
.time{font-weight:600;font-variant-numeric:tabular-nums}
.title{display:block;font-size:1.05rem;font-weight:600}
.meta{color:#55555f;font-size:.93rem}
.links a{margin-right:.8rem}
figure{margin:.6rem 0}
figure img{display:block;max-width:100%;height:auto;border:1px solid #dcdce4;border-radius:.4rem}
a{color:#0b57b0}
.empty{background:#fff;border-radius:.5rem;padding:.8rem}
""".strip()

_STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()

PAGE_HEADERS: dict[str, str] = {
    # Only the inline style (by its hash) and this server's pictures: no script runs, no
    # other origin is contacted, no form posts anywhere, nothing frames the page.
    "Content-Security-Policy": (
        f"default-src 'none'; img-src 'self'; style-src 'sha256-{_STYLE_HASH}'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    # A personal page: neither a proxy nor the browser's cache keeps it.
    "Cache-Control": "private, no-store",
}


@dataclass(frozen=True, slots=True)
class PageSession:
    """One session as the page shows it, every text already in the reader's zone and clock."""

    time: str
    title: str
    room: str | None = None
    room_url: str | None = None
    speakers: str = ""
    stream_url: str | None = None
    details_url: str | None = None


@dataclass(frozen=True, slots=True)
class PageDay:
    """One local day of the agenda: its name, its picture's address and alt text, sessions."""

    day: date
    label: str
    picture: str
    picture_alt: str
    sessions: tuple[PageSession, ...]


def _link(url: str | None, text: str) -> str:
    """Return an ``<a>`` to ``url`` if it is an http(s) address (never ``javascript:``)."""
    if url is None or not url.lower().startswith(("https://", "http://")):
        return ""
    return f'<a href="{escape(url)}" rel="noopener noreferrer">{escape(text)}</a>'


def _session(item: PageSession) -> str:
    room = ""
    if item.room:
        room = _link(item.room_url, item.room) or escape(item.room)
    meta = " · ".join(part for part in (room, escape(item.speakers)) if part)
    links = " ".join(
        part
        for part in (_link(item.stream_url, "Stream"), _link(item.details_url, "Details"))
        if part
    )
    return (
        f'<li><span class="time">{escape(item.time)}</span>'
        f'<span class="title">{escape(item.title)}</span>'
        + (f'<span class="meta">{meta}</span>' if meta else "")
        + (f'<div class="links">{links}</div>' if links else "")
        + "</li>"
    )


def agenda_html(
    *,
    title: str,
    zone_line: str,
    feed_url: str,
    days: Sequence[PageDay],
) -> bytes:
    """Return the page: heading, the feed's links, then each day's picture and sessions."""
    webcal = "webcal://" + feed_url.split("://", 1)[1]
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="robots" content="noindex, nofollow">',
        f"<title>{escape(title)}</title>",
        f"<style>{STYLE}</style></head><body><main>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="zone">{escape(zone_line)}</p>',
        '<p class="subscribe">Follow it in your calendar app: '
        f'<a href="{escape(webcal)}">Subscribe (webcal)</a>'
        f'<a href="{escape(feed_url)}">Feed address</a></p>',
    ]
    if not days:
        parts.append(
            '<p class="empty">Your agenda is empty: <code>/remind</code> in Discord adds a '
            "session, and it shows up here.</p>"
        )
    for day in days:
        parts += [
            f'<section><h2 id="d{day.day.isoformat()}">{escape(day.label)}</h2>',
            f'<figure><img src="{escape(day.picture)}" alt="{escape(day.picture_alt)}"></figure>',
            "<ol>",
            *(_session(item) for item in day.sessions),
            "</ol></section>",
        ]
    parts.append("</main></body></html>\n")
    return "\n".join(parts).encode()
