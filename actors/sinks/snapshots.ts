/**
 * The `actor_snapshots` sink: the last snapshot of each actor (baselines, detector state), written by
 * the hosts every few seconds for actors that changed and on a graceful stop, read back when a shard
 * is (re)assigned. Only the newest snapshot of an actor in a batch is written.
 * @module
 */
import { groupIndexes, type Sink, typedArray } from "../sink.ts";

/** The snapshots sink. */
export const snapshotsSink: Sink = {
  name: "actor_snapshots",
  columns: ["actor_key", "kind", "entity_id", "version", "state"],
  async write(tx, rows, count) {
    const latest = [...groupIndexes(count, (i) => String(rows.actor_key[i])).values()].map((g) => g.at(-1)!);
    const col = (name: string) => latest.map((i) => rows[name][i]);
    const result = await tx`
      insert into actor_snapshots (actor_key, kind, entity_id, version, state, updated_at)
      select u.actor_key, u.kind, u.entity_id, u.version, u.state, now()
      from unnest(${typedArray(col("actor_key"), "text")}::text[], ${typedArray(col("kind"), "text")}::text[],
                  ${typedArray(col("entity_id"), "uuid")}::uuid[], ${
      typedArray(col("version"), "int4")
    }::int4[],
                  ${
      typedArray(col("state"), "jsonb")
    }::jsonb[]) as u(actor_key, kind, entity_id, version, state)
      on conflict (actor_key) do update set
        state = excluded.state, version = excluded.version, updated_at = excluded.updated_at`;
    return result.count;
  },
};
