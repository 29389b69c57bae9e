-- A snapshot is complete when a graceful release wrote (or confirmed) it after every reading its actor had
-- read was committed: its open rollup buckets then miss nothing, so the actor restored from it keeps them
-- exact instead of queueing one recompute per actor and width. Periodic snapshots are not complete (readings
-- committed after one, before a crash, are not in it). The loader clears the flag as it loads a snapshot, so
-- a crash later never restores a stale one as complete.
ALTER TABLE actor_snapshots ADD COLUMN complete boolean NOT NULL DEFAULT false;
