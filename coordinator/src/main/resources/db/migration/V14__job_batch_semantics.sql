-- Whether a job's batch_size is per GPU ('per-gpu', the study's convention) or global ('global',
-- split over its GPUs). Jobs from before the choice existed had global batches.

ALTER TABLE jobs ADD COLUMN batch_semantics VARCHAR(16) DEFAULT 'global' NOT NULL;
