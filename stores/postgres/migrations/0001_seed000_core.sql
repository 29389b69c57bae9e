-- Seed 000: plants, meter readings, alerts, flexibility offers.
-- UUID keys, TIMESTAMPTZ everywhere; detector settings per entity in a validated JSONB column.

CREATE TABLE plants (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name                text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
  asset_type          text NOT NULL CHECK (asset_type IN
                        ('solar', 'wind', 'battery', 'hydro', 'chp', 'gas_peaker', 'generator', 'storage', 'other')),
  capacity_mw         double precision NOT NULL CHECK (capacity_mw > 0),
  status              text NOT NULL DEFAULT 'online' CHECK (status IN
                        ('online', 'offline', 'maintenance', 'decommissioned')),
  registered_at       timestamptz NOT NULL DEFAULT now(),
  site_id             uuid,
  -- how often the plant reports; the data-gap detector fires after gap_factor x this
  expected_interval_s integer NOT NULL DEFAULT 60 CHECK (expected_interval_s > 0),
  detection           jsonb NOT NULL DEFAULT '{}',
  latitude            double precision,
  longitude           double precision,
  metadata            jsonb NOT NULL DEFAULT '{}',
  active              boolean NOT NULL DEFAULT true,
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plants_site ON plants (site_id);

-- One row per plant, metric and instant: the unique key makes redelivered telemetry a no-op.
-- A year of 1-minute data for thousands of plants: the primary key serves per-plant ranges and BRIN on ts
-- serves "most recent across plants" scans without a second B-tree on every insert.
CREATE TABLE meter_readings (
  id          bigint GENERATED ALWAYS AS IDENTITY,
  plant_id    uuid NOT NULL REFERENCES plants (id) ON DELETE CASCADE,
  ts          timestamptz NOT NULL,
  value       double precision NOT NULL,
  metric_type text NOT NULL DEFAULT 'power_mw',
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (plant_id, metric_type, ts)
);
CREATE INDEX meter_readings_ts_brin ON meter_readings USING brin (ts) WITH (pages_per_range = 32);

CREATE TABLE alerts (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  entity_kind     text NOT NULL CHECK (entity_kind IN ('plant', 'ven', 'site', 'meter')),
  entity_id       uuid NOT NULL,
  plant_id        uuid REFERENCES plants (id) ON DELETE CASCADE,
  type            text NOT NULL CHECK (type IN ('Spike', 'ThresholdExceeded', 'System')),
  severity        text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  message         text NOT NULL,
  metric          text,
  value           double precision,
  baseline        double precision,
  threshold       double precision,
  -- what makes two alerts "the same" while open: type plus detector detail (metric, rule)
  dedupe_key      text NOT NULL,
  ts              timestamptz NOT NULL,
  last_seen_at    timestamptz NOT NULL,
  occurrences     integer NOT NULL DEFAULT 1 CHECK (occurrences > 0),
  acknowledged_at timestamptz,
  acknowledged_by text,
  resolved_at     timestamptz,
  resolved_by     text,
  state           text GENERATED ALWAYS AS (
                    CASE WHEN resolved_at IS NOT NULL THEN 'resolved'
                         WHEN acknowledged_at IS NOT NULL THEN 'acknowledged'
                         ELSE 'open' END) STORED,
  details         jsonb NOT NULL DEFAULT '{}',
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX alerts_open_dedupe ON alerts (entity_id, dedupe_key) WHERE resolved_at IS NULL;
CREATE INDEX alerts_ts ON alerts (ts DESC);
CREATE INDEX alerts_plant_ts ON alerts (plant_id, ts DESC);
CREATE INDEX alerts_state_ts ON alerts (state, ts DESC);

CREATE TABLE flexibility_offers (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  status         text NOT NULL DEFAULT 'draft' CHECK (status IN
                   ('draft', 'submitted', 'accepted', 'rejected', 'activated', 'expired', 'cancelled')),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  plant_id       uuid REFERENCES plants (id) ON DELETE CASCADE,
  site_id        uuid,
  direction      text NOT NULL CHECK (direction IN ('up', 'down')),
  volume_mw      double precision NOT NULL CHECK (volume_mw > 0),
  price_eur_mwh  double precision NOT NULL,
  delivery_start timestamptz NOT NULL,
  delivery_end   timestamptz NOT NULL,
  market         text NOT NULL CHECK (market IN ('day_ahead', 'intraday', 'balancing', 'fcr', 'afrr', 'mfrr')),
  metadata       jsonb NOT NULL DEFAULT '{}',
  CHECK (delivery_end > delivery_start),
  CHECK (plant_id IS NOT NULL OR site_id IS NOT NULL)
);
CREATE INDEX flexibility_offers_created ON flexibility_offers (created_at DESC);
CREATE INDEX flexibility_offers_plant ON flexibility_offers (plant_id);
