-- 0008_events: the programme mirrored into Discord's scheduled events.
-- event_mirror: one row per session the bot mirrors (or mirrored) in a guild. event_id is
--   Discord's event once created; creating = 1 from just before the create request until its
--   answer is stored, so after a crash or a lost answer the bot looks for its event (by the
--   marker in the description) before creating another. generation counts the events made
--   for the session (one is deleted when the session leaves the window, a new one made when
--   it comes back): outbox keys carry it. state: 'mirrored', 'cancelled' (the session was
--   cancelled: its event is CANCELED), 'dropped' (out of the window: its event is deleted).
--   written: the fields last written (JSON), to tell the schedule's changes from people's.
--   wanted: the digest of what was last queued; revision counts the rows queued (keys).
-- event_interest: who pressed Interested on which event; subscribed = 1 when Interested
--   made the person's subscription (so taking it back removes it), 0 when they had one.
CREATE TABLE event_mirror (
    session_id TEXT    NOT NULL,
    guild_id   INTEGER NOT NULL,
    event_id   INTEGER,
    generation INTEGER NOT NULL DEFAULT 0,
    creating   INTEGER NOT NULL DEFAULT 0,
    state      TEXT    NOT NULL DEFAULT 'mirrored',
    written    TEXT,
    wanted     TEXT,
    revision   INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (guild_id, session_id)
);
CREATE INDEX event_mirror_by_event ON event_mirror (event_id);
CREATE TABLE event_interest (
    event_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    session_id TEXT    NOT NULL,
    subscribed INTEGER NOT NULL,
    created_at TEXT    NOT NULL,
    PRIMARY KEY (event_id, user_id)
);
CREATE INDEX event_interest_by_user ON event_interest (user_id);
