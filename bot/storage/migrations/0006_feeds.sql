-- 0006_feeds: personal calendar feeds. feed_tokens keeps only the SHA-256 of each person's
-- feed token (the token itself is shown once and never stored); etag and modified_at are the
-- last feed served, so Last-Modified only moves when the feed's bytes did.
-- feed_sessions: each session's version for calendars (SEQUENCE, DTSTAMP), bumped by every
-- applied schedule change that touched it; removed_at and the last known title, times and
-- room let a removed session stay in feeds as STATUS:CANCELLED for a while.
CREATE TABLE feed_tokens (
    user_id     INTEGER PRIMARY KEY,
    token_hash  BLOB    NOT NULL UNIQUE,
    created_at  TEXT    NOT NULL,
    etag        TEXT,
    modified_at TEXT
);
CREATE TABLE feed_sessions (
    session_id TEXT    PRIMARY KEY,
    sequence   INTEGER NOT NULL,
    changed_at TEXT    NOT NULL,
    removed_at TEXT,
    title      TEXT    NOT NULL,
    starts_at  TEXT    NOT NULL,
    ends_at    TEXT    NOT NULL,
    location   TEXT
);
