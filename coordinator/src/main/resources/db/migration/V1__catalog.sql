-- The catalog, written for both H2 and PostgreSQL: plain types, times as epoch milliseconds.

CREATE TABLE sweeps (
  sweep_id        VARCHAR(64)   PRIMARY KEY,
  name            VARCHAR(200)  NOT NULL,
  model           VARCHAR(64)   NOT NULL,
  spec_json       VARCHAR(1048576) NOT NULL,
  submitted_at_ms BIGINT        NOT NULL
);

CREATE TABLE jobs (
  job_id           VARCHAR(100) PRIMARY KEY,
  sweep_id         VARCHAR(64)  NOT NULL REFERENCES sweeps (sweep_id),
  ordinal          INT          NOT NULL,
  model            VARCHAR(64)  NOT NULL,
  scale            DOUBLE PRECISION NOT NULL,
  gpu_class        VARCHAR(64)  NOT NULL,
  precision_name   VARCHAR(16)  NOT NULL,
  batch_size       INT          NOT NULL,
  gpus             INT          NOT NULL,
  warmup_batches   INT          NOT NULL,
  measured_batches INT          NOT NULL,
  dataset_size     BIGINT       NOT NULL,
  epochs           INT          NOT NULL,
  state            VARCHAR(16)  NOT NULL,
  published_at_ms  BIGINT,
  updated_at_ms    BIGINT       NOT NULL,
  result_run_id    VARCHAR(120)
);
CREATE INDEX jobs_by_sweep ON jobs (sweep_id, ordinal);
CREATE INDEX jobs_unpublished ON jobs (published_at_ms);

CREATE TABLE runs (
  run_id                 VARCHAR(120) PRIMARY KEY,
  job_id                 VARCHAR(100) NOT NULL REFERENCES jobs (job_id),
  state                  VARCHAR(16)  NOT NULL,
  worker_id              VARCHAR(200),
  host                   VARCHAR(200),
  started_at_ms          BIGINT,
  ended_at_ms            BIGINT,
  precision_requested    VARCHAR(16),
  precision_ran          VARCHAR(16),
  precision_note         VARCHAR(1000),
  devices_json           VARCHAR(100000),
  energy_method          VARCHAR(32),
  idle_power_w           DOUBLE PRECISION,
  generator_params       BIGINT,
  discriminator_params   BIGINT,
  flops_per_step         BIGINT,
  framework              VARCHAR(200),
  failure_reason         VARCHAR(32),
  failure_message        VARCHAR(4000),
  measured_batches       INT,
  span_duration_ns       BIGINT,
  span_energy_j          DOUBLE PRECISION,
  seconds_per_batch      DOUBLE PRECISION,
  energy_per_batch_j     DOUBLE PRECISION,
  energy_per_batch_sd_j  DOUBLE PRECISION,
  energy_per_batch_ci95_j DOUBLE PRECISION,
  net_energy_per_batch_j DOUBLE PRECISION,
  full_training_batches  BIGINT,
  full_training_energy_j DOUBLE PRECISION,
  full_training_ci95_j   DOUBLE PRECISION,
  full_training_seconds  DOUBLE PRECISION
);
CREATE INDEX runs_by_job ON runs (job_id);

CREATE TABLE batches (
  run_id        VARCHAR(120) NOT NULL REFERENCES runs (run_id),
  batch_index   INT          NOT NULL,
  at_ms         BIGINT       NOT NULL,
  duration_ns   BIGINT       NOT NULL,
  energy_j      DOUBLE PRECISION NOT NULL,
  resolution_j  DOUBLE PRECISION NOT NULL,
  d_loss        DOUBLE PRECISION,
  g_loss        DOUBLE PRECISION,
  PRIMARY KEY (run_id, batch_index)
);

CREATE TABLE power_samples (
  run_id   VARCHAR(120) NOT NULL REFERENCES runs (run_id),
  seq      BIGINT       NOT NULL,
  at_ms    BIGINT       NOT NULL,
  power_w  DOUBLE PRECISION NOT NULL,
  method   VARCHAR(32)  NOT NULL,
  PRIMARY KEY (run_id, seq)
);

-- One row per ingested event: a redelivered (run_id, seq) is found here and skipped.
CREATE TABLE events_seen (
  run_id VARCHAR(120) NOT NULL,
  seq    BIGINT       NOT NULL,
  type   VARCHAR(32)  NOT NULL,
  PRIMARY KEY (run_id, seq)
);
