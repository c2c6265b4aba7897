"""The words of ``/agenda subscribe``."""

from __future__ import annotations

WEB_OFF = (
    "Calendar feeds are off on this server: the bot's operator turns them on with a "
    "`[web]` section in confbot's config file (see config.example.toml)."
)


def new_link(url: str, page: str) -> str:
    """Return the answer that gives a fresh feed link and the agenda page beside it."""
    return (
        f"Your agenda as a calendar feed: <{url}>\n"
        f"And as a web page, by day in your time zone: <{page}>\n"
        "Add the feed to your calendar app as a subscription (by URL); both follow schedule "
        "changes and the sessions you add or remove. Keep the links to yourself: anyone who "
        "has them can see your agenda. I show them only this once; "
        "`/agenda subscribe reset:True` replaces them."
    )


def already_subscribed() -> str:
    """Return the answer to a second ``/agenda subscribe`` (the link is not kept)."""
    return (
        "You already have a calendar feed link. I keep only a fingerprint of it, so I cannot "
        "show it again: `/agenda subscribe reset:True` gives you a new link, and the old one "
        "stops working."
    )


def reset_link(url: str, page: str) -> str:
    """Return the answer to a reset: the old links are dead, here are the new ones."""
    return "Your old feed and page links no longer work.\n" + new_link(url, page)
