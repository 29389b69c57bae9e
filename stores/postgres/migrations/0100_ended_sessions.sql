-- Signing out ends the session's access tokens at once. Before, logout revoked the refresh token only, and
-- the access token (a JWT checked without a database round trip) stayed valid until it expired, up to 15
-- minutes. An access token now names its session (claim `sid`: the session_id shared by the refresh tokens
-- of one sign-in across rotations); ended_sessions lists sessions ended by a logout, a "sign out
-- everywhere", a reused refresh token, a password, role or deactivation change, or a deleted user. Every
-- process keeps the recent ones in memory and reads new ones every few seconds (auth/sessions.ts).
ALTER TABLE refresh_tokens ADD COLUMN session_id uuid;
UPDATE refresh_tokens SET session_id = id;
ALTER TABLE refresh_tokens ALTER COLUMN session_id SET NOT NULL;
ALTER TABLE refresh_tokens ALTER COLUMN session_id SET DEFAULT gen_random_uuid();
CREATE INDEX refresh_tokens_user_created ON refresh_tokens (user_id, created_at);

CREATE TABLE ended_sessions (
  session_id uuid PRIMARY KEY,
  ended_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ended_sessions_ended_at ON ended_sessions (ended_at);
