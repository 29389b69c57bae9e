-- Filters of GET /api/telemetry/events and GET /api/ingestion-log (stores/documents/filter_fields.ts).
-- reason and topic use text_pattern_ops: one index answers both equality and starts_with() (a prefix),
-- whatever the database's collation; newest first within a value comes from ts DESC.
CREATE INDEX doc_telemetry_events_entity_kind_ts ON doc_telemetry_events ((body ->> 'entityKind'), ts DESC);
CREATE INDEX doc_telemetry_events_reason_ts ON doc_telemetry_events ((body ->> 'reason') text_pattern_ops, ts DESC);
CREATE INDEX doc_telemetry_events_topic_ts ON doc_telemetry_events ((body ->> 'topic') text_pattern_ops, ts DESC);
-- A time range over every source (the primary key leads with source).
CREATE INDEX ingestion_log_minute ON ingestion_log (minute DESC);
