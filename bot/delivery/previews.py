"""What the engine tells about the outbox without sending: counts, next due, samples.

For previews (``/conference upcoming``, the status) and the engine's log: nothing here
sends a message or writes a row.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.delivery.contracts import KindCounts
from bot.delivery.policy import RenderContext, Skip
from bot.delivery.state import EngineState
from bot.rendering.outgoing import OutgoingMessage, as_outgoing
from bot.rendering.relative import spell_relative_timestamps
from bot.storage.database import Database
from bot.storage.repositories.outbox import STATUSES, OutboxItem, PendingKind


class OutboxPreviews:
    """Read the outbox for previews and counts; render a row without sending it."""

    def __init__(self, database: Database, state: EngineState) -> None:
        self._database = database
        self._state = state

    async def render_sample(self, item: OutboxItem, now: datetime) -> OutgoingMessage | None:
        """Return ``item`` rendered as if sent at ``now`` (``None``: no renderer, or skipped)."""
        renderer = self._state.renderers.get(item.kind)
        if renderer is None:
            return None
        context = RenderContext(now=now, due_at=item.planned_due, deadline_at=item.deadline_at)
        try:
            return as_outgoing(await renderer(item, context))
        except Skip:
            return None

    async def delivery_counts(self) -> dict[str, KindCounts]:
        """Return, per kind, how many rows are pending, sent, late, skipped, failed..."""
        raw = await self._database.outbox.counts()
        return {
            kind: KindCounts(**{name: counts.get(name, 0) for name in (*STATUSES, "late")})
            for kind, counts in sorted(raw.items())
        }

    async def next_due_at(self) -> datetime | None:
        """Return when the next pending row is due, or ``None`` if nothing is pending."""
        return await self._database.outbox.next_due_at()

    async def pending_samples(
        self, until: datetime, now: datetime
    ) -> list[tuple[PendingKind, OutgoingMessage | None]]:
        """Return, per kind, the pending rows due by ``until`` and one of them rendered.

        The sample is rendered as if sent at its due time (``now`` if that has passed), and
        its ``<t:…:R>`` timestamps are spelled out as read then: left as markup, the reader's
        client would count them from the moment the preview is read ("Starts in 10 min (in
        11 hours)").
        """
        samples = []
        for pending in await self._database.outbox.pending_by_kind(until):
            item = await self._database.outbox.get_by_id(pending.sample_id)
            rendered = None
            if item is not None:
                sent_at = max(now, item.due_at)
                rendered = await self.render_sample(item, sent_at)
                if rendered is not None:
                    content = spell_relative_timestamps(rendered.content, sent_at)
                    rendered = replace(rendered, content=content)
            samples.append((pending, rendered))
        return samples
