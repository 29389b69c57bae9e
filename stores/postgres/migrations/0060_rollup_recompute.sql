-- Rollup buckets the actors could not compute exactly (the first bucket of each width after a start,
-- buckets touched by a redelivered or late reading) wait here to be recomputed from their readings.
-- The group commit only queues them (one row each); actors/rollup_repair.ts recomputes them in small
-- transactions of its own. Recomputing inline held up every commit behind it: after a start, the first
-- bucket boundary of each width recomputed one bucket per actor in a single transaction (1.9 s for
-- 1,000 plants with 650 readings each, bench/README.md), and a 6 h bucket holds 6 h of readings.
CREATE TABLE rollup_recompute (
  width     text NOT NULL CHECK (width IN ('1m', '10m', '30m', '3h', '6h')),
  series    text NOT NULL,
  entity_id uuid NOT NULL,
  metric    text NOT NULL,
  bucket    timestamptz NOT NULL,
  queued_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (width, entity_id, metric, bucket)
);
CREATE INDEX rollup_recompute_queued ON rollup_recompute (queued_at);
