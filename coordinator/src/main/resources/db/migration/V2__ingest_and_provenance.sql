-- When the catalog last heard from a run (for abandonment), who submitted a sweep, and the
-- models, their versions and the devices runs used (taxonomy in columns, free-form metadata
-- as JSON).

ALTER TABLE runs ADD COLUMN last_event_at_ms BIGINT;
ALTER TABLE sweeps ADD COLUMN submitted_by VARCHAR(200);
CREATE INDEX runs_by_state ON runs (state, last_event_at_ms);

CREATE TABLE models (
  name          VARCHAR(64)  PRIMARY KEY,
  task          VARCHAR(200) NOT NULL,
  paper         VARCHAR(400),
  metadata_json VARCHAR(100000)
);

CREATE TABLE model_versions (
  model              VARCHAR(64)  NOT NULL REFERENCES models (name),
  version            INT          NOT NULL,
  run_id             VARCHAR(120) NOT NULL REFERENCES runs (run_id),
  scale              DOUBLE PRECISION NOT NULL,
  framework          VARCHAR(200),
  generator_params   BIGINT,
  discriminator_params BIGINT,
  flops_per_step     BIGINT,
  architecture       VARCHAR(4000),
  artifact_uri       VARCHAR(2000),
  artifact_sha256    VARCHAR(64),
  artifact_bytes     BIGINT,
  source_revision    VARCHAR(100),
  sweep_id           VARCHAR(64),
  submitted_by       VARCHAR(200),
  created_at_ms      BIGINT       NOT NULL,
  metadata_json      VARCHAR(100000),
  PRIMARY KEY (model, version)
);
CREATE UNIQUE INDEX model_versions_by_run ON model_versions (run_id);

CREATE TABLE devices (
  uuid              VARCHAR(100) PRIMARY KEY,
  kind              VARCHAR(8)   NOT NULL,
  name              VARCHAR(200),
  architecture      VARCHAR(64),
  power_limit_w     DOUBLE PRECISION,
  driver            VARCHAR(64),
  first_seen_at_ms  BIGINT       NOT NULL
);

CREATE TABLE run_devices (
  run_id       VARCHAR(120) NOT NULL REFERENCES runs (run_id),
  device_uuid  VARCHAR(100) NOT NULL REFERENCES devices (uuid),
  device_index INT          NOT NULL,
  PRIMARY KEY (run_id, device_uuid)
);
