-- 0004_announcements: an announcement has a title, a body (content) and whom it pings, and
-- a moderator's draft is a row too (status 'draft'), so preview buttons survive restarts.
-- ping: NULL = nobody, 'role:<id>', 'everyone' or 'here'. The table is rebuilt because
-- SQLite cannot widen a CHECK constraint in place.
CREATE TABLE announcements_new (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id   INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    author_id  INTEGER NOT NULL,
    title      TEXT    NOT NULL DEFAULT '',
    content    TEXT    NOT NULL,
    ping       TEXT,
    post_at    TEXT,
    status     TEXT    NOT NULL DEFAULT 'scheduled'
               CHECK (status IN ('draft', 'scheduled', 'posted', 'failed', 'cancelled')),
    outbox_key TEXT    UNIQUE,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);
INSERT INTO announcements_new (id, guild_id, channel_id, author_id, content, post_at, status,
                               outbox_key, created_at, updated_at)
SELECT id, guild_id, channel_id, author_id, content, post_at, status, outbox_key, created_at,
       updated_at
  FROM announcements;
DROP TABLE announcements;
ALTER TABLE announcements_new RENAME TO announcements;
CREATE INDEX announcements_by_guild ON announcements (guild_id, status);
