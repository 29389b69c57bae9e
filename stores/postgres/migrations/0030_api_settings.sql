-- API: instance-wide settings (the JWT signing secret when JWT_SECRET is not configured, so tokens
-- survive restarts and are shared by every instance on the same database).
CREATE TABLE settings (
  key        text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_.]{0,99}$'),
  value      jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Refresh tokens are looked up per user on logout-everywhere and reuse detection.
CREATE INDEX refresh_tokens_user_active ON refresh_tokens (user_id) WHERE revoked_at IS NULL;

-- ADR event delivery: when the retained MQTT message of an ended event was cleared (null: not yet).
ALTER TABLE adr_events ADD COLUMN retained_cleared_at timestamptz;
CREATE INDEX adr_events_uncleared ON adr_events (start_at) WHERE retained_cleared_at IS NULL;
