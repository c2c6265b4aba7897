"""The words of ``/agenda subscribe``."""

from __future__ import annotations

WEB_OFF = (
    "Calendar feeds are off on this server: the bot's operator turns them on with a "
    "`[web]` section in confbot's config file (see config.example.toml)."
)


def new_link(url: str) -> str:
    """Return the answer that gives a fresh feed link."""
    return (
        f"Your agenda as a calendar feed: <{url}>\n"
        "Add it to your calendar app as a subscription (by URL); it follows schedule changes "
        "and the sessions you add or remove. Keep the link to yourself: anyone who has it can "
        "see your agenda. I show it only this once; `/agenda subscribe reset:True` replaces it."
    )


def already_subscribed() -> str:
    """Return the answer to a second ``/agenda subscribe`` (the link is not kept)."""
    return (
        "You already have a calendar feed link. I keep only a fingerprint of it, so I cannot "
        "show it again: `/agenda subscribe reset:True` gives you a new link, and the old one "
        "stops working."
    )


def reset_link(url: str) -> str:
    """Return the answer to a reset: the old link is dead, here is the new one."""
    return "Your old feed link no longer works.\n" + new_link(url)
