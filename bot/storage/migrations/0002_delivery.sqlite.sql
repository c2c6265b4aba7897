-- 0002_delivery: what the paced, deadline-aware delivery engine needs.
-- (SQLite's version: 0002_delivery.postgresql.sql is the same step in PostgreSQL's words.)
-- The outbox is rebuilt (SQLite cannot change a CHECK constraint in place) to add:
--   'skipped' (fell past its deadline, or obsolete), deadline_at (past it: never sent),
--   session_id and scope (planning touches only its own rows), fallback_channel_id and
--   route (DMs closed: one mention in a channel instead), claimed_at (last attempt
--   began, for the nonce window), verify (the last attempt may have reached Discord:
--   look at the channel before resending after the nonce window), late and sent_at.
-- attempts now counts finished attempts only: a crash mid-send is not an attempt.

CREATE TABLE outbox_new (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    key                 TEXT    NOT NULL UNIQUE,
    kind                TEXT    NOT NULL,
    session_id          TEXT,
    scope               TEXT,
    due_at              TEXT    NOT NULL,
    deadline_at         TEXT    NOT NULL,
    status              TEXT    NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped', 'cancelled')),
    route               TEXT    NOT NULL DEFAULT 'direct' CHECK (route IN ('direct', 'fallback')),
    attempts            INTEGER NOT NULL DEFAULT 0,
    last_error          TEXT,
    verify              INTEGER NOT NULL DEFAULT 0,
    late                INTEGER NOT NULL DEFAULT 0,
    payload             TEXT    NOT NULL,
    target_user_id      INTEGER,
    target_channel_id   INTEGER,
    fallback_channel_id INTEGER,
    discord_message_id  INTEGER,
    claimed_at          TEXT,
    sent_at             TEXT,
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL
);

-- Rows from 0001 get a deadline one hour after they were due (fixed-width text kept).
INSERT INTO outbox_new (id, key, kind, due_at, deadline_at, status, attempts, last_error,
                        verify, payload, target_user_id, target_channel_id,
                        discord_message_id, created_at, updated_at)
SELECT id, key, kind, due_at,
       strftime('%Y-%m-%dT%H:%M:%S', due_at, '+1 hour') || substr(due_at, 20),
       status, attempts, last_error, CASE WHEN status = 'sending' THEN 1 ELSE 0 END,
       payload, target_user_id, target_channel_id, discord_message_id, created_at, updated_at
FROM outbox;

DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_by_status_due ON outbox (status, due_at);
CREATE INDEX outbox_by_target_user ON outbox (target_user_id);
CREATE INDEX outbox_by_scope ON outbox (kind, scope);
CREATE INDEX outbox_by_session ON outbox (session_id, status);

-- What the bot knows about reaching a user by DM: the DM channel Discord opened (so a DM
-- costs one request), and whether their DMs are closed (403 50007: no request is spent
-- on them again; they get a mention in a channel instead, told once how to change it).
CREATE TABLE recipients (
    user_id       INTEGER PRIMARY KEY,
    dm_channel_id INTEGER,
    dms_closed_at TEXT,
    told_at       TEXT,
    updated_at    TEXT NOT NULL
);
