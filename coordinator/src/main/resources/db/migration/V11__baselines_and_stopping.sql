-- Which idle a run's net subtracted, the idle with the job built, the warm-up that ran and
-- whether power settled; a job's caps on warm-up and measured batches and its target interval.

ALTER TABLE runs ADD COLUMN ready_idle_power_w DOUBLE PRECISION;
ALTER TABLE runs ADD COLUMN net_idle_baseline VARCHAR(16);
ALTER TABLE runs ADD COLUMN warmup_batches_run INT;
ALTER TABLE runs ADD COLUMN power_settled BOOLEAN;

-- Runs completed before this subtracted the idle measured before the job's process existed.
UPDATE runs SET net_idle_baseline = 'no-job' WHERE net_energy_per_batch_j IS NOT NULL;

ALTER TABLE jobs ADD COLUMN max_warmup_batches INT;
ALTER TABLE jobs ADD COLUMN max_measured_batches INT;
ALTER TABLE jobs ADD COLUMN target_ci_share DOUBLE PRECISION;

-- Jobs queued before this run the fixed counts they were given.
UPDATE jobs SET max_warmup_batches = warmup_batches, max_measured_batches = measured_batches,
  target_ci_share = 0.02;

ALTER TABLE jobs ALTER COLUMN max_warmup_batches SET NOT NULL;
ALTER TABLE jobs ALTER COLUMN max_measured_batches SET NOT NULL;
ALTER TABLE jobs ALTER COLUMN target_ci_share SET NOT NULL;
