/**
 * Loads what the actors of some entities need to start, in the main isolate (workers have no database
 * connection): configuration from the kind's catalog, the last snapshot (and whether it is complete),
 * whether the entity has any stored readings when it has no snapshot, and the open alerts (the alerts
 * table is the source of truth for those, not the snapshot).
 * @module
 */
import type { Sql } from "../stores/postgres/client.ts";
import type { OpenAlertRecord } from "./kind.ts";
import { kindModule } from "./kinds.ts";
import type { ActorSpec } from "./protocol.ts";
import type { ActorKind } from "./runtime.ts";
import { typedArray } from "./sink.ts";

interface AlertRow {
  id: string;
  /** The actor's id: `entity_id`, or the catalog's `alertOwnerColumn`. */
  owner_id: string;
  type: OpenAlertRecord["type"];
  dedupe_key: string;
  severity: OpenAlertRecord["severity"];
  message: string;
  metric: string | null;
  value: number | null;
  ts: Date;
  last_seen_at: Date;
  occurrences: number;
  acknowledged_at: Date | null;
}

/** Specs for the actors of `ids` of `kind`; ids without an entity (deleted, inactive) are left out. */
export async function loadSpecs(sql: Sql, kind: ActorKind, ids: string[]): Promise<ActorSpec[]> {
  if (ids.length === 0) return [];
  const { catalog } = kindModule(kind);
  const configs = await catalog.loadConfigs(sql, ids);
  const present = [...configs.keys()];
  if (present.length === 0) return [];
  const keys = typedArray(present.map((id) => `${kind}:${id}`), "text");
  const snapshots = await sql<{ entity_id: string; state: unknown; complete: boolean }[]>`
    select entity_id, state, complete from actor_snapshots where actor_key = any(${keys}::text[])`;
  // A complete snapshot is restored as complete once: cleared before its actor starts, so a crash later
  // (after readings this snapshot does not hold were committed) restores it as an ordinary one.
  const complete = new Set(snapshots.filter((s) => s.complete).map((s) => s.entity_id));
  if (complete.size > 0) {
    await sql`update actor_snapshots set complete = false where actor_key = any(${keys}::text[]) and complete`;
  }
  // A kind whose actors own other entities' alerts (a site, its meters') names the column to load by.
  const owner = catalog.alertOwnerColumn;
  const presentIds = typedArray(present, "uuid");
  const mine = owner
    ? sql`${sql(owner)} = any(${presentIds}::uuid[])`
    : sql`entity_kind = ${kind} and entity_id = any(${presentIds}::uuid[])`;
  const ownerId = sql(owner ?? "entity_id");
  const alerts = await sql<AlertRow[]>`
    select id, ${ownerId} as owner_id, type, dedupe_key, severity, message, metric, value, ts, last_seen_at,
           occurrences, acknowledged_at
    from alerts where resolved_at is null and ${mine}`;
  const snapshotOf = new Map(
    snapshots.map((s) => [s.entity_id, typeof s.state === "string" ? JSON.parse(s.state) : s.state]),
  );
  const unsnapshotted = present.filter((id) => !snapshotOf.has(id));
  const noReadings = catalog.withoutReadings && unsnapshotted.length > 0
    ? await catalog.withoutReadings(sql, unsnapshotted)
    : new Set<string>();
  const alertsOf = new Map<string, OpenAlertRecord[]>();
  for (const a of alerts) {
    const list = alertsOf.get(a.owner_id) ?? [];
    list.push({
      id: a.id,
      type: a.type,
      dedupeKey: a.dedupe_key,
      severity: a.severity,
      message: a.message,
      metric: a.metric,
      value: a.value,
      ts: a.ts.getTime(),
      lastSeenAt: a.last_seen_at.getTime(),
      occurrences: a.occurrences,
      acknowledged: a.acknowledged_at !== null,
    });
    alertsOf.set(a.owner_id, list);
  }
  return present.map((id) => ({
    kind,
    id,
    config: configs.get(id),
    snapshot: snapshotOf.get(id),
    openAlerts: alertsOf.get(id) ?? [],
    ...(noReadings.has(id) ? { noReadings: true as const } : {}),
    ...(complete.has(id) ? { completeSnapshot: true as const } : {}),
  }));
}
