-- The HDF5 showers a job trains on, as the sweep named them; NULL for synthetic data. Kept with
-- the job so that a job published again after a restart still names its files.

ALTER TABLE jobs ADD COLUMN dataset VARCHAR(1000);
