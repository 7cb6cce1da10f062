-- How many times a job went out and came back unfinished (its run aborted or lost), and why the
-- catalog gave it up once that reached the limit (WATTSWEEP_MAX_ATTEMPTS).

ALTER TABLE jobs ADD COLUMN attempts INT DEFAULT 0 NOT NULL;
ALTER TABLE jobs ADD COLUMN gave_up_message VARCHAR(1000);
