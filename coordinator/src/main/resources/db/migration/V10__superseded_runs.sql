-- One result per job: of a job's COMPLETED runs only its result (the first to complete) stays
-- COMPLETED; the others, duplicates from a redelivery or a run thought lost, become SUPERSEDED,
-- kept whole but counted nowhere.
UPDATE runs SET state = 'SUPERSEDED'
WHERE state = 'COMPLETED'
  AND run_id <> (SELECT j.result_run_id FROM jobs j WHERE j.job_id = runs.job_id);
