-- 0007_leases: which of several confbot processes sharing one (PostgreSQL) database is
-- active. leases: one row per lease name, its holder and until when it holds it (a standby
-- takes it once expires_at has passed; the holder renews it well before). instances: every
-- process, active or standing by, says when it was last seen (for /conference status).
CREATE TABLE leases (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    acquired_at TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE TABLE instances (
    instance TEXT PRIMARY KEY,
    seen_at  TEXT NOT NULL
);
