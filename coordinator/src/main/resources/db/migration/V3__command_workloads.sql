-- Command workloads (model command:NAME): a job may name no full training, and the worker's
-- commands file may define one, recorded with the run; a note says where a run's extrapolation
-- came from when not from its job, or why it has none.

ALTER TABLE jobs ALTER COLUMN dataset_size DROP NOT NULL;
ALTER TABLE jobs ALTER COLUMN epochs DROP NOT NULL;
ALTER TABLE runs ADD COLUMN worker_dataset_size BIGINT;
ALTER TABLE runs ADD COLUMN worker_epochs INT;
ALTER TABLE runs ADD COLUMN full_training_note VARCHAR(1000);
