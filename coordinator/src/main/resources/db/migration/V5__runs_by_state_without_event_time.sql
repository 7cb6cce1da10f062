-- The ingester rewrites a run's last_event_at_ms about once a second while the run is live; with
-- that column in an index every such update also rewrote the index entry (and on PostgreSQL
-- could not be a heap-only update). The abandon check filters on COALESCE(last_event_at_ms,
-- started_at_ms), which no index serves, so the index keeps only the state.
DROP INDEX runs_by_state;
CREATE INDEX runs_by_state ON runs (state);
