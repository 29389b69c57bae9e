/**
 * Seeds the documents collections (audit, market_signals, dispatch_log, telemetry_events) through the
 * DocumentStore: MongoDB when `MONGO_URL` is set, else the PostgreSQL fallback tables. Clear then insert,
 * so running it twice leaves the same documents. The audit trail and dispatch log refer to the offers,
 * alerts, ADR events and plants actually in the database, so run it after `populate_postgres.ts`.
 *
 * Run alone: `deno run -A population/populate_mongo.ts`.
 * @module
 */
import type { Sql } from "../stores/postgres/client.ts";
import { COLLECTIONS, type DocumentStore } from "../stores/documents/documents.ts";
import { SEED_NAMESPACE } from "./ids.ts";
import { type DocumentsInput, seedDocuments } from "./documents_data.ts";
import { type OnProgress, Steps } from "./progress.ts";

/** Options for {@linkcode populateDocuments}. */
export interface PopulateDocumentsOptions {
  documents: DocumentStore;
  /** Where the relational seed is (plants, offers, alerts, events are read back from it). */
  sql: Sql;
  onProgress?: OnProgress;
  /** End of the seeded day (epoch ms). @default {Date.now()} */
  now?: number;
  /** @default {SEED_NAMESPACE} */
  namespace?: string;
}

const MIN = 60_000;
const ms = (d: Date | null) => (d === null ? null : new Date(d).getTime());

/** Clears and fills every collection; returns the documents written per collection. */
export async function populateDocuments(options: PopulateDocumentsOptions): Promise<Record<string, number>> {
  const { documents, sql, onProgress } = options;
  const end = Math.floor((options.now ?? Date.now()) / MIN) * MIN;
  const input = await readInput(sql, end, options.namespace ?? SEED_NAMESPACE);
  const docs = seedDocuments(input);
  const steps = new Steps(onProgress);
  await documents.ensureIndexes();
  for (const name of COLLECTIONS) {
    await steps.run(`documents: ${name}`, async () => {
      await documents.clear(name);
      return (await documents.insert(name, docs[name])).length;
    });
  }
  return steps.counts;
}

/** Reads what the documents refer to from the database. */
async function readInput(sql: Sql, end: number, namespace: string): Promise<DocumentsInput> {
  const from = new Date(end - 48 * 3_600_000);
  const plants = await sql<{ id: string; name: string }[]>`select id, name from plants order by name`;
  const offers = await sql<Record<string, unknown>[]>`
    select o.id, o.name, o.status, p.name as plant, o.direction, o.volume_mw, o.price_eur_mwh, o.market,
      o.created_at, o.delivery_start, o.delivery_end
    from flexibility_offers o join plants p on p.id = o.plant_id
    where o.created_at >= ${from} order by o.created_at limit 200`;
  const alerts = await sql<Record<string, unknown>[]>`
    select id, type, message, ts, entity_kind, entity_id, acknowledged_at, resolved_at, resolved_by
    from alerts where ts >= ${from} order by ts limit 500`;
  const events = await sql<Record<string, unknown>[]>`
    select e.id, e.event_name, e.start_at, e.cancelled_at, e.intervals,
      (select min(notified_at) from adr_participation p where p.event_id = e.id) as notified_at
    from adr_events e where e.created_at >= ${from} order by e.start_at limit 100`;
  return {
    end,
    namespace,
    plantIds: Object.fromEntries(plants.map((p) => [p.name, p.id])),
    offers: offers.map((o) => ({
      id: String(o.id),
      name: String(o.name),
      status: o.status as never,
      plant: String(o.plant),
      direction: o.direction as never,
      volumeMw: Number(o.volume_mw),
      priceEurMwh: Number(o.price_eur_mwh),
      market: o.market as never,
      createdAt: ms(o.created_at as Date)!,
      deliveryStart: ms(o.delivery_start as Date)!,
      deliveryEnd: ms(o.delivery_end as Date)!,
    })),
    alerts: alerts.map((a) => ({
      id: String(a.id),
      type: a.type as never,
      message: String(a.message),
      ts: ms(a.ts as Date)!,
      entityKind: a.entity_kind as never,
      entityId: String(a.entity_id),
      acknowledgedAt: ms(a.acknowledged_at as Date | null),
      resolvedAt: ms(a.resolved_at as Date | null),
      resolvedBy: (a.resolved_by as string | null) ?? null,
    })),
    events: events.map((e) => ({
      id: String(e.id),
      name: String(e.event_name),
      start: ms(e.start_at as Date)!,
      notifiedAt: ms(e.notified_at as Date | null),
      cancelledAt: ms(e.cancelled_at as Date | null),
      shedLevel: Number(
        (e.intervals as { payloads?: { values?: number[] }[] }[])?.[0]?.payloads?.[0]?.values?.[0] ?? 1,
      ),
    })),
  };
}

if (import.meta.main) {
  const { runCli } = await import("./cli.ts");
  await runCli("populate_mongo", async ({ sql, documents, progress }) => {
    await populateDocuments({ documents, sql, onProgress: progress });
  });
}
