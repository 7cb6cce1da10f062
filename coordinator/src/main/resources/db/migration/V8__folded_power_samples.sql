-- Past a run's first 6,000 events the catalog stores one power sample in ten; the stored one now
-- keeps what the left-out ones said: how many samples it stands for (itself included), and
-- their least, most and mean power. NULL where it stands for itself alone.

ALTER TABLE power_samples ADD COLUMN folded INT;
ALTER TABLE power_samples ADD COLUMN min_w DOUBLE PRECISION;
ALTER TABLE power_samples ADD COLUMN max_w DOUBLE PRECISION;
ALTER TABLE power_samples ADD COLUMN mean_w DOUBLE PRECISION;
