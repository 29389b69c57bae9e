-- How far a series_outbox range has been mirrored again (actors/series_outbox.ts): every reading of the
-- range up to and including mirrored_through was confirmed by InfluxDB, or rejected by it for good and
-- recorded in telemetry_events. The range is mirrored in chunks and this moves after each one, so a
-- retry or a restart resumes after it instead of at from_ts. NULL: nothing of the range is done yet.
ALTER TABLE series_outbox ADD COLUMN mirrored_through timestamptz;
