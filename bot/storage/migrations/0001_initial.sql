-- 0001_initial: the first confbot schema.
-- Conventions: Discord IDs are INTEGER snowflakes; every timestamp column (*_at)
-- is ISO-8601 UTC text, fixed width with microseconds and "+00:00"
-- (e.g. 2025-05-01T14:00:00.000000+00:00), so text order is time order.

CREATE TABLE users (
    user_id               INTEGER PRIMARY KEY,
    zone                  TEXT,
    clock                 TEXT    NOT NULL DEFAULT '24h' CHECK (clock IN ('24h', '12h')),
    reminder_lead_minutes INTEGER CHECK (reminder_lead_minutes IS NULL OR reminder_lead_minutes >= 0),
    delivery              TEXT    CHECK (delivery IS NULL OR delivery IN ('dm', 'channel')),
    created_at            TEXT    NOT NULL,
    updated_at            TEXT    NOT NULL
);

CREATE TABLE guild_settings (
    guild_id                    INTEGER PRIMARY KEY,
    zone                        TEXT,
    announcements_channel_id    INTEGER,
    schedule_updates_channel_id INTEGER,
    moderation_log_channel_id   INTEGER,
    moderator_role_id           INTEGER,
    updated_at                  TEXT NOT NULL
);

-- lead_minutes NULL means "use the user's default reminder lead".
CREATE TABLE subscriptions (
    user_id      INTEGER NOT NULL,
    session_id   TEXT    NOT NULL,
    lead_minutes INTEGER CHECK (lead_minutes IS NULL OR lead_minutes >= 0),
    created_at   TEXT    NOT NULL,
    PRIMARY KEY (user_id, session_id)
);
CREATE INDEX subscriptions_by_session ON subscriptions (session_id);

-- The outbox: every message the bot will send. The UNIQUE key is the
-- exactly-once guarantee (enqueue is INSERT ... ON CONFLICT DO NOTHING).
CREATE TABLE outbox (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    key                TEXT    NOT NULL UNIQUE,
    kind               TEXT    NOT NULL,
    due_at             TEXT    NOT NULL,
    status             TEXT    NOT NULL DEFAULT 'pending'
                       CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
    attempts           INTEGER NOT NULL DEFAULT 0,
    last_error         TEXT,
    payload            TEXT    NOT NULL,
    target_user_id     INTEGER,
    target_channel_id  INTEGER,
    discord_message_id INTEGER,
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL
);
CREATE INDEX outbox_by_status_due ON outbox (status, due_at);
CREATE INDEX outbox_by_target_user ON outbox (target_user_id);

-- post_at NULL means "post now".
CREATE TABLE announcements (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id   INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    author_id  INTEGER NOT NULL,
    content    TEXT    NOT NULL,
    post_at    TEXT,
    status     TEXT    NOT NULL DEFAULT 'scheduled'
               CHECK (status IN ('scheduled', 'posted', 'failed', 'cancelled')),
    outbox_key TEXT    UNIQUE,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);
CREATE INDEX announcements_by_guild ON announcements (guild_id, status);

CREATE TABLE schedule_snapshots (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    source       TEXT NOT NULL,
    fetched_at   TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    body         TEXT NOT NULL
);
CREATE INDEX schedule_snapshots_by_source ON schedule_snapshots (source, id);

CREATE TABLE speaker_links (
    speaker_id      TEXT    PRIMARY KEY,
    discord_user_id INTEGER NOT NULL,
    linked_by       INTEGER,
    created_at      TEXT    NOT NULL
);
CREATE INDEX speaker_links_by_user ON speaker_links (discord_user_id);

-- Small key/value facts, e.g. the hash of the synced app-command definitions.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
