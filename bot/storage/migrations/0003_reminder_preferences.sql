-- 0003_reminder_preferences: several reminder leads per attendee, and the morning digest.
-- reminder_leads: comma-separated minutes, longest first ("60,10"); NULL = the bot default.
-- digest_time: local "HH:MM" of the morning digest in the attendee's zone; NULL = no digest.
ALTER TABLE users ADD COLUMN reminder_leads TEXT;
ALTER TABLE users ADD COLUMN digest_time TEXT;
UPDATE users SET reminder_leads = CAST(reminder_lead_minutes AS TEXT)
 WHERE reminder_lead_minutes IS NOT NULL;
