/**
 * The `actor_snapshots` sink: the last snapshot of each actor (baselines, detector state), written by
 * the hosts every few seconds for actors that changed and on a graceful stop, read back when a shard
 * is (re)assigned. Only the newest snapshot of an actor in a batch is written.
 *
 * `complete` (migration 0070): a graceful release writes its snapshots with `complete` true once everything
 * their actors had read was committed, and confirms the unchanged actors' stored snapshots with a row
 * without `state` (which only sets the flag). Periodic snapshots are written with it false.
 * @module
 */
import { groupIndexes, type Sink, typedArray } from "../sink.ts";

/** The snapshots sink. */
export const snapshotsSink: Sink = {
  name: "actor_snapshots",
  columns: ["actor_key", "kind", "entity_id", "version", "state", "complete"],
  async write(tx, rows, count) {
    const groups = [...groupIndexes(count, (i) => String(rows.actor_key[i])).values()];
    // Per actor: its newest snapshot, and whether a confirmation (a row without state) came after it.
    const latest = groups.flatMap((g) => g.filter((i) => rows.state[i] != null).slice(-1));
    const confirmed = groups.flatMap((g) =>
      rows.state[g.at(-1)!] == null ? [String(rows.actor_key[g[0]])] : []
    );
    const col = (name: string) => latest.map((i) => rows[name][i]);
    let written = 0;
    if (latest.length > 0) {
      written += (await tx`
        insert into actor_snapshots (actor_key, kind, entity_id, version, state, complete, updated_at)
        select u.actor_key, u.kind, u.entity_id, u.version, u.state, u.complete, now()
        from unnest(${typedArray(col("actor_key"), "text")}::text[], ${
        typedArray(col("kind"), "text")
      }::text[],
                    ${typedArray(col("entity_id"), "uuid")}::uuid[], ${
        typedArray(col("version"), "int4")
      }::int4[],
                    ${typedArray(col("state"), "jsonb")}::jsonb[],
                    ${typedArray(col("complete").map((c) => c === true), "bool")}::bool[])
          as u(actor_key, kind, entity_id, version, state, complete)
        on conflict (actor_key) do update set
          state = excluded.state, version = excluded.version, complete = excluded.complete,
          updated_at = excluded.updated_at`).count;
    }
    if (confirmed.length > 0) {
      // After the inserts: a confirmation is newer than any snapshot of the same actor in the batch.
      written += (await tx`
        update actor_snapshots set complete = true
        where actor_key = any(${typedArray(confirmed, "text")}::text[])`).count;
    }
    return written;
  },
};
