-- 0005_announcement_channels: an announcement goes to one or more channels, each copy its own
-- outbox row (keyed per announcement and channel, so each posts once), and may carry the card
-- of a session. crosspost: NULL until the copy is posted, then 'published' (crossposted from an
-- announcement channel), 'not-announcement-channel' or 'failed'. Copies of announcements made
-- before this migration keep their outbox key (announcement:<id>); those already queued are
-- never crossposted (they were posted, or planned, before crossposting existed).
ALTER TABLE announcements ADD COLUMN session_id TEXT;
CREATE TABLE announcement_channels (
    announcement_id INTEGER NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    channel_id      INTEGER NOT NULL,
    outbox_key      TEXT    NOT NULL UNIQUE,
    crosspost       TEXT,
    PRIMARY KEY (announcement_id, channel_id)
);
INSERT INTO announcement_channels (announcement_id, position, channel_id, outbox_key, crosspost)
SELECT id, 0, channel_id, COALESCE(outbox_key, 'announcement:' || id),
       CASE WHEN status = 'draft' THEN NULL ELSE 'before-crossposting' END
  FROM announcements;
