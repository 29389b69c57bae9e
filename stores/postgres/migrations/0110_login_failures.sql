-- Failed sign-ins per username and client address (auth/login_limiter.ts). Counted in memory per process
-- before, so N instances allowed N times the attempts, and parallel attempts all passed the check while
-- their password hashes were being compared. An attempt is now recorded before its password is checked
-- (and deleted when it succeeds or is refused), so every instance counts it and a burst cannot overtake
-- the limit.
CREATE TABLE login_failures (
  id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username text NOT NULL,
  address  text NOT NULL,
  at       timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX login_failures_pair ON login_failures (username, address, at);
CREATE INDEX login_failures_at ON login_failures (at);
