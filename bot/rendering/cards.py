"""Cards: what an embed says, as plain data, fitted to Discord's limits.

Renderers build :class:`Card` values; ``cogs.embeds`` turns them into
``discord.Embed``. Keeping cards free of discord lets tests read them directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bot.rendering.text import truncate

# Discord's embed limits (characters), enforced here so no request is ever refused.
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELD_COUNT_LIMIT = 25
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
MESSAGE_LIMIT = 2000
# Embed colour for confbot's cards.
COLOUR = 0x3B82F6


@dataclass(frozen=True, slots=True)
class CardField:
    """One name/value pair of a card."""

    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True, slots=True)
class Card:
    """An embed's content: title, description, fields, footer, links."""

    title: str
    description: str | None = None
    url: str | None = None
    fields: tuple[CardField, ...] = ()
    footer: str | None = None
    thumbnail_url: str | None = None
    colour: int = COLOUR

    def length(self) -> int:
        """Return the characters Discord counts towards the 6,000 total."""
        return (
            len(self.title)
            + len(self.description or "")
            + sum(len(item.name) + len(item.value) for item in self.fields)
            + len(self.footer or "")
        )

    def fitted(self, total: int = EMBED_TOTAL_LIMIT) -> Card:
        """Return this card cut to every Discord embed limit (title, fields, total).

        ``total`` is less than Discord's 6,000 when other embeds share the message.
        """
        fields = tuple(
            CardField(
                truncate(item.name, FIELD_NAME_LIMIT) or "\u200b",
                truncate(item.value, FIELD_VALUE_LIMIT) or "\u200b",
                item.inline,
            )
            for item in self.fields[:FIELD_COUNT_LIMIT]
        )
        card = replace(
            self,
            title=truncate(self.title, TITLE_LIMIT),
            description=truncate(self.description, DESCRIPTION_LIMIT) if self.description else None,
            fields=fields,
            footer=truncate(self.footer, FOOTER_LIMIT) if self.footer else None,
        )
        excess = card.length() - total
        if excess > 0 and card.description:
            keep = max(0, len(card.description) - excess)
            card = replace(card, description=truncate(card.description, keep) or None)
        while card.length() > total and card.fields:
            card = replace(card, fields=card.fields[:-1])
        return card


@dataclass(frozen=True, slots=True)
class Reply:
    """What the bot answers: text and/or cards (several cards are pages)."""

    content: str | None = None
    pages: tuple[Card, ...] = ()
    ephemeral: bool = True
    # What the reply is about, for the buttons other features add: a session card has
    # ``session_id`` (it gets "Speaker" buttons), a speaker card ``speaker_ids`` (it gets
    # one button per session). A reply is about one or the other, never both. A page of
    # a list names the sessions it shows in ``listed_session_ids`` ("Remind me of…").
    session_id: str | None = None
    speaker_ids: tuple[str, ...] = field(default=())
    listed_session_ids: tuple[str, ...] = field(default=())

    def fitted(self) -> Reply:
        """Return the reply with its text and every page within Discord's limits."""
        content = truncate(self.content, MESSAGE_LIMIT) if self.content else None
        return replace(self, content=content, pages=tuple(page.fitted() for page in self.pages))
