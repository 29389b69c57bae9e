-- Which persistent shard session subscribed each actor's topics. The catch-all session (actors/catch_all.ts)
-- receives every telemetry message, and at a start it receives what was published while GridPulse was down
-- before the shards have subscribed again. For an actor recorded here a shard session held the subscription
-- and has its own copy, so the catch-all's copy is acknowledged; an actor not recorded (added while
-- GridPulse was down) has no other copy, so the catch-all publishes it again once the actor's shard has
-- subscribed. Before this table, both were recorded as "unknown plant id" dead letters and the second kind
-- never reached its actor.
CREATE TABLE actor_subscriptions (
  actor_key  text PRIMARY KEY,
  client_id  text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
