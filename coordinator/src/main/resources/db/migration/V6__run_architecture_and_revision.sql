-- What each run's worker built (its networks' parameters, variables and shapes) and the git
-- commit the worker was built from: the provenance its model version copies. A VAE-ProGAN at
-- full scale lists a few hundred variables, so the architecture columns are widened.

ALTER TABLE runs ADD COLUMN architecture VARCHAR(16000);
ALTER TABLE runs ADD COLUMN source_revision VARCHAR(100);
ALTER TABLE model_versions ALTER COLUMN architecture SET DATA TYPE VARCHAR(16000);
