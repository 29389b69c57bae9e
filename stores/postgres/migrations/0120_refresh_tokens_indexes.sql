-- A logout revokes every refresh token of its session (session_id, migration 0100), and sign-ins prune
-- tokens that expired long ago (auth/login.ts): both by index.
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);
CREATE INDEX refresh_tokens_expires ON refresh_tokens (expires_at);
