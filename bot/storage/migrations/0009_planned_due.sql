-- 0009_planned_due: a retried outbox row keeps the time it was due. A failed attempt moves
-- due_at to the retry time (when the row may be claimed again); planned_due_at keeps the
-- due time the row was planned for (NULL until a first retry), so a retried message is
-- recorded late against it, and a planner's upsert of the same row does not take the retry
-- for a move.
ALTER TABLE outbox ADD COLUMN planned_due_at TEXT;
