-- Seed 002: OpenADR-style Grid-Event Gateway: VENs, their loads, telemetry, statuses, ADR programs and events.

CREATE TABLE vens (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  ven_name            text NOT NULL UNIQUE CHECK (ven_name ~ '^[A-Za-z0-9_.:-]{1,100}$'),
  display_name        text,
  site_id             uuid REFERENCES sites (id) ON DELETE SET NULL,
  groups              text[] NOT NULL DEFAULT '{}',
  status              text NOT NULL DEFAULT 'unknown' CHECK (status IN ('online', 'offline', 'unknown')),
  expected_interval_s integer NOT NULL DEFAULT 60 CHECK (expected_interval_s > 0),
  detection           jsonb NOT NULL DEFAULT '{}',
  registered_at       timestamptz NOT NULL DEFAULT now(),
  last_seen_at        timestamptz,
  metadata            jsonb NOT NULL DEFAULT '{}',
  active              boolean NOT NULL DEFAULT true,
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX vens_groups ON vens USING gin (groups);

CREATE TABLE ven_loads (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  ven_id          uuid NOT NULL REFERENCES vens (id) ON DELETE CASCADE,
  load_id         text NOT NULL CHECK (load_id ~ '^[A-Za-z0-9_.:-]{1,100}$'),
  load_type       text NOT NULL,
  name            text,
  capacity_kw     double precision CHECK (capacity_kw IS NULL OR capacity_kw >= 0),
  shed_capable_kw double precision CHECK (shed_capable_kw IS NULL OR shed_capable_kw >= 0),
  metadata        jsonb NOT NULL DEFAULT '{}',
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (ven_id, load_id)
);

CREATE TABLE ven_telemetry (
  id            bigint GENERATED ALWAYS AS IDENTITY,
  ven_id        uuid NOT NULL REFERENCES vens (id) ON DELETE CASCADE,
  ts            timestamptz NOT NULL,
  used_power_kw double precision NOT NULL,
  shed_power_kw double precision NOT NULL,
  raw           jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (ven_id, ts)
);
CREATE INDEX ven_telemetry_ts_brin ON ven_telemetry USING brin (ts) WITH (pages_per_range = 32);

CREATE TABLE ven_load_samples (
  id              bigint GENERATED ALWAYS AS IDENTITY,
  ven_id          uuid NOT NULL REFERENCES vens (id) ON DELETE CASCADE,
  ts              timestamptz NOT NULL,
  load_id         text NOT NULL,
  load_type       text NOT NULL,
  used_kw         double precision NOT NULL,
  shed_capable_kw double precision NOT NULL,
  capacity_kw     double precision,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (ven_id, load_id, ts)
);
CREATE INDEX ven_load_samples_ts_brin ON ven_load_samples USING brin (ts) WITH (pages_per_range = 32);

CREATE TABLE ven_statuses (
  id         bigint GENERATED ALWAYS AS IDENTITY,
  ven_id     uuid NOT NULL REFERENCES vens (id) ON DELETE CASCADE,
  ts         timestamptz NOT NULL,
  status     text NOT NULL CHECK (status IN ('online', 'offline')),
  -- 'device' when the VEN reported it, 'detector' when GridPulse inferred it from silence
  source     text NOT NULL DEFAULT 'device' CHECK (source IN ('device', 'detector')),
  details    jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (ven_id, ts, status)
);

CREATE TABLE adr_programs (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  program_name        text NOT NULL UNIQUE CHECK (length(program_name) BETWEEN 1 AND 200),
  program_long_name   text,
  program_type        text NOT NULL DEFAULT 'load_shed',
  retailer_name       text,
  payload_descriptors jsonb NOT NULL DEFAULT '[]',
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);

-- OpenADR 3 event: a program, targets, an interval period (start, duration) and intervals with payloads
-- such as SIMPLE shed level 0-3 or IMPORT_CAPACITY_LIMIT in kW.
CREATE TABLE adr_events (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  program_id   uuid NOT NULL REFERENCES adr_programs (id) ON DELETE CASCADE,
  event_name   text NOT NULL CHECK (length(event_name) BETWEEN 1 AND 200),
  priority     integer NOT NULL DEFAULT 0 CHECK (priority >= 0),
  status       text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'active', 'completed', 'cancelled')),
  start_at     timestamptz NOT NULL,
  duration_s   integer NOT NULL CHECK (duration_s > 0),
  intervals    jsonb NOT NULL,
  targets      jsonb NOT NULL DEFAULT '{"venIds": [], "groups": []}',
  created_by   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  cancelled_at timestamptz
);
CREATE INDEX adr_events_start ON adr_events (start_at DESC);
CREATE INDEX adr_events_status ON adr_events (status);

-- Per-VEN participation: the targets an event resolved to, the VEN's answer and the shed it delivered.
CREATE TABLE adr_participation (
  event_id          uuid NOT NULL REFERENCES adr_events (id) ON DELETE CASCADE,
  ven_id            uuid NOT NULL REFERENCES vens (id) ON DELETE CASCADE,
  opt               text NOT NULL DEFAULT 'pending' CHECK (opt IN ('pending', 'optIn', 'optOut')),
  responded_at      timestamptz,
  notified_at       timestamptz,
  baseline_kw       double precision,
  delivered_shed_kw double precision,
  delivered_kwh     double precision,
  samples           integer NOT NULL DEFAULT 0,
  last_sample_at    timestamptz,
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (event_id, ven_id)
);
CREATE INDEX adr_participation_ven ON adr_participation (ven_id);

ALTER TABLE alerts ADD COLUMN ven_id uuid REFERENCES vens (id) ON DELETE CASCADE;
CREATE INDEX alerts_ven_ts ON alerts (ven_id, ts DESC);
