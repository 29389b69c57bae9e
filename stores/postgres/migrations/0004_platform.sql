-- Seeds 003/004: users and tokens, alert rules, ingestion log, rollups, actor snapshots,
-- and the PostgreSQL fallback for the documents store (MongoDB collections as JSONB rows).

CREATE TABLE users (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username      text NOT NULL UNIQUE CHECK (username ~ '^[A-Za-z0-9_.@-]{3,100}$'),
  password_hash text NOT NULL,
  role          text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  active        boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  last_login_at timestamptz
);

-- Refresh tokens are stored hashed; rotation links each token to the one that replaced it.
CREATE TABLE refresh_tokens (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash  text NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz,
  replaced_by uuid REFERENCES refresh_tokens (id) ON DELETE SET NULL
);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

-- A threshold rule for one entity (or every entity of a kind when entity_id is null) and metric.
CREATE TABLE alert_rules (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  entity_kind text NOT NULL CHECK (entity_kind IN ('plant', 'ven', 'meter')),
  entity_id   uuid,
  metric      text NOT NULL,
  comparator  text NOT NULL CHECK (comparator IN ('above', 'below')),
  threshold   double precision NOT NULL,
  duration_s  integer NOT NULL DEFAULT 0 CHECK (duration_s >= 0),
  severity    text NOT NULL DEFAULT 'warning' CHECK (severity IN ('info', 'warning', 'critical')),
  enabled     boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alert_rules_entity ON alert_rules (entity_kind, entity_id);

-- What was ingested, per source and minute: accepted and rejected counts.
CREATE TABLE ingestion_log (
  source    text NOT NULL,
  minute    timestamptz NOT NULL,
  accepted  bigint NOT NULL DEFAULT 0,
  rejected  bigint NOT NULL DEFAULT 0,
  details   jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (source, minute)
);

-- Rollups maintained incrementally by the actors; one table per bucket width, identical shape.
-- series: which kind of entity the bucket belongs to (plant, meter, ven).
CREATE TABLE rollup_1m (
  series     text NOT NULL CHECK (series IN ('plant', 'meter', 'ven')),
  entity_id  uuid NOT NULL,
  metric     text NOT NULL,
  bucket     timestamptz NOT NULL,
  min        double precision NOT NULL,
  max        double precision NOT NULL,
  sum        double precision NOT NULL,
  count      integer NOT NULL CHECK (count > 0),
  avg        double precision GENERATED ALWAYS AS (sum / count) STORED,
  last       double precision NOT NULL,
  last_ts    timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (entity_id, metric, bucket)
);
CREATE INDEX rollup_1m_bucket_brin ON rollup_1m USING brin (bucket);
CREATE TABLE rollup_10m (LIKE rollup_1m INCLUDING ALL);
CREATE TABLE rollup_30m (LIKE rollup_1m INCLUDING ALL);
CREATE TABLE rollup_3h (LIKE rollup_1m INCLUDING ALL);
CREATE TABLE rollup_6h (LIKE rollup_1m INCLUDING ALL);

-- The last persisted state of each actor (baselines, detector state), restored after a restart.
CREATE TABLE actor_snapshots (
  actor_key  text PRIMARY KEY,
  kind       text NOT NULL,
  entity_id  uuid NOT NULL,
  version    integer NOT NULL DEFAULT 1,
  state      jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Documents fallback: each MongoDB collection as a table of JSONB documents.
CREATE TABLE doc_audit (
  id         text PRIMARY KEY,
  ts         timestamptz NOT NULL,
  body       jsonb NOT NULL,
  expires_at timestamptz
);
CREATE INDEX doc_audit_ts ON doc_audit (ts DESC);
CREATE TABLE doc_market_signals (LIKE doc_audit INCLUDING ALL);
CREATE TABLE doc_dispatch_log (LIKE doc_audit INCLUDING ALL);
CREATE TABLE doc_telemetry_events (LIKE doc_audit INCLUDING ALL);
CREATE INDEX doc_telemetry_events_expires ON doc_telemetry_events (expires_at) WHERE expires_at IS NOT NULL;
