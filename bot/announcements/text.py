"""The announcement as it will appear in its channel, and whom it may ping.

User text is kept as typed (a moderator's markdown is the point), but it never pings
by itself: the sender's ``allowed_mentions`` names only the chosen role, or @everyone
when the config allows it and the moderator chose it.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import UserError
from bot.rendering.cards import EMBED_TOTAL_LIMIT, Card
from bot.rendering.outgoing import OutgoingMessage

# Modal limits, chosen so the longest announcement plus its ping stays under Discord's
# 2000 characters per message.
TITLE_LIMIT = 100
BODY_LIMIT = 1800
MESSAGE_LIMIT = 2000
EVERYONE = "everyone"
HERE = "here"


@dataclass(frozen=True, slots=True)
class Ping:
    """Whom an announcement pings: nobody, one role, or @everyone/@here."""

    role_id: int | None = None
    everyone: str | None = None  # "everyone" or "here"

    @classmethod
    def parse(cls, stored: str | None) -> Ping:
        """Return the ping an announcement row stores (``None``, ``role:<id>``, ``everyone``)."""
        if not stored:
            return cls()
        if stored in (EVERYONE, HERE):
            return cls(everyone=stored)
        if stored.startswith("role:") and stored[5:].isdigit():
            return cls(role_id=int(stored[5:]))
        raise ValueError(f"not a stored ping: {stored!r}")

    def stored(self) -> str | None:
        """Return the value stored in the announcement row."""
        if self.everyone:
            return self.everyone
        return None if self.role_id is None else f"role:{self.role_id}"

    @property
    def mention(self) -> str:
        """Return the mention text ("" for nobody)."""
        if self.everyone:
            return f"@{self.everyone}"
        return "" if self.role_id is None else f"<@&{self.role_id}>"


def announcement_text(title: str, body: str, ping: Ping) -> str:
    """Return the message text: the ping (if any), the title in bold, the body.

    :raises UserError: the text would not fit in one Discord message.
    """
    title = " ".join(title.split())
    heading = f"📣 **{title}**" if title else ""
    parts = [part for part in (ping.mention, heading) if part]
    first_line = " ".join(parts)
    text = "\n".join(part for part in (first_line, body.strip()) if part)
    if not text:
        raise UserError("An announcement needs a title or a text.")
    if len(text) > MESSAGE_LIMIT:
        raise UserError(
            f"That announcement is {len(text)} characters; Discord allows {MESSAGE_LIMIT}."
        )
    return text


def announcement_message(
    title: str, body: str, ping: Ping, card: Card | None = None
) -> OutgoingMessage:
    """Return the message with the only pings it is allowed: its chosen role or @everyone.

    ``card`` (the named session's) is its one embed, fitted to Discord's 6,000 characters.
    """
    return OutgoingMessage(
        announcement_text(title, body, ping),
        cards=() if card is None else (card.fitted(),),
        mention_role_ids=() if ping.role_id is None else (ping.role_id,),
        mention_everyone=ping.everyone is not None,
    )


def card_beside(card: Card, other: Card) -> Card:
    """Return ``card`` fitted to what ``other`` leaves of one message's 6,000 embed characters.

    The preview shows the session card next to its own information embed.
    """
    return card.fitted(total=EMBED_TOTAL_LIMIT - other.fitted().length())
