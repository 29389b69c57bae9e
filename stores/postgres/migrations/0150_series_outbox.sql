-- Readings committed to PostgreSQL that InfluxDB (the series sink) has not confirmed yet. The group commit
-- writes one row per sink and time range in the same transaction as the readings, so once a message is
-- acknowledged its points are either confirmed by InfluxDB or recorded here; the row is deleted when
-- InfluxDB confirms them. Rows left by a crash, a stop past the grace period or a refused write are
-- mirrored again from the readings (actors/series_outbox.ts). A range may hold readings of other commits
-- too: mirroring them again is harmless (a point is identified by series and timestamp).
CREATE TABLE series_outbox (
  id           uuid PRIMARY KEY,
  sink         text NOT NULL,
  from_ts      timestamptz NOT NULL,
  to_ts        timestamptz NOT NULL,
  points       integer NOT NULL,
  committed_at timestamptz NOT NULL DEFAULT now(),
  -- the process whose writer still waits for InfluxDB's answer; NULL once nobody does
  owner        uuid,
  attempts     integer NOT NULL DEFAULT 0,
  next_at      timestamptz NOT NULL DEFAULT now(),
  last_error   text
);
CREATE INDEX series_outbox_next_at ON series_outbox (next_at);
