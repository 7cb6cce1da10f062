-- A sweep's free-form metadata (JSON object of text), copied into the metadata of each model
-- version the sweep produces; and aliases naming model versions ("production", "best-a100"), as
-- model registries have: one version per alias and model, moved by setting it again.

ALTER TABLE sweeps ADD COLUMN metadata_json VARCHAR(100000);

CREATE TABLE model_aliases (
  model      VARCHAR(64)  NOT NULL,
  alias      VARCHAR(64)  NOT NULL,
  version    INT          NOT NULL,
  set_at_ms  BIGINT       NOT NULL,
  set_by     VARCHAR(200),
  PRIMARY KEY (model, alias),
  FOREIGN KEY (model, version) REFERENCES model_versions (model, version)
);
