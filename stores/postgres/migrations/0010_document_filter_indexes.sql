-- Filter indexes for the documents fallback, matching stores/documents/filter_fields.ts: each filter field
-- (an expression on the JSONB body) with the timestamp, so "newest first where field = x" is an index scan.

CREATE INDEX doc_audit_action_ts ON doc_audit ((body ->> 'action'), ts DESC);
CREATE INDEX doc_audit_user_ts ON doc_audit ((body ->> 'userId'), ts DESC);
CREATE INDEX doc_audit_entity_ts ON doc_audit ((body ->> 'entity'), ts DESC);
CREATE INDEX doc_market_signals_market_ts ON doc_market_signals ((body ->> 'market'), ts DESC);
CREATE INDEX doc_dispatch_log_market_ts ON doc_dispatch_log ((body ->> 'market'), ts DESC);
CREATE INDEX doc_dispatch_log_plant_ts ON doc_dispatch_log ((body ->> 'plantName'), ts DESC);
CREATE INDEX doc_telemetry_events_kind_ts ON doc_telemetry_events ((body ->> 'kind'), ts DESC);
CREATE INDEX doc_telemetry_events_entity_ts ON doc_telemetry_events ((body ->> 'entityId'), ts DESC);
