/**
 * Seeds PostgreSQL with the demo estate and its last 24 hours (times relative to now, so the dashboard
 * looks live right after seeding). Idempotent: relational rows are upserts by natural key with stable
 * ids, series rows `ON CONFLICT DO NOTHING`; running it twice with the same `now` (to the minute) leaves
 * the same rows, and running it later adds the newer minutes of the window. One transaction: a failed run
 * leaves nothing half-written.
 *
 * Run alone: `deno run -A population/populate_postgres.ts` (uses DATABASE_URL, else the embedded database).
 *
 * @example
 * ```ts
 * import { isEmpty, populatePostgres } from "./population/populate_postgres.ts";
 * // if (await isEmpty(sql)) await populatePostgres({ sql, adminPassword: config.adminPassword });
 * ```
 * @module
 */
import type { Sql } from "../stores/postgres/client.ts";
import { migrate } from "../stores/postgres/migrate.ts";
import { OFFLINE_VEN, PLANTS, VENS } from "./catalog.ts";
import { SEED_NAMESPACE } from "./ids.ts";
import { adrEvents, sheddingWindows } from "./adr.ts";
import { offers } from "./offers.ts";
import { type AlertRow, plantSeries, WINDOW_MINUTES } from "./plant_series.ts";
import { venSeries } from "./site_series.ts";
import { rejectedTimes } from "./documents_data.ts";
import { type OnProgress, Steps } from "./progress.ts";
import { type SeedIds, writeAlertRules, writePlants, writeUsers, writeVens } from "./write_relational.ts";
import { writeEquipment, writeSites } from "./write_hierarchy.ts";
import {
  venOfflineAlert,
  writeAlerts,
  writeIngestionLog,
  writeMeasurements,
  writeParticipation,
  writeReadings,
  writeRollups,
  writeVenTelemetry,
} from "./write_series.ts";

/** Options for {@linkcode populatePostgres}. */
export interface PopulatePostgresOptions {
  sql: Sql;
  /** Called after each step with its row count and timing. */
  onProgress?: OnProgress;
  /** The end of the seeded day (epoch ms; floored to the minute). @default {Date.now()} */
  now?: number;
  /** Namespace of the stable ids (tests use their own so parallel runs never share ids). @default {SEED_NAMESPACE} */
  namespace?: string;
  /** Creates the `admin` user with this password (never printed). Without it the app creates users. */
  adminPassword?: string;
  /** Creates the demo `operator` and `viewer` users with this password; none without it. */
  demoPassword?: string;
}

/** What a seed run wrote. */
export interface PopulateResult {
  /** The last minute of the seeded window (epoch ms). */
  end: number;
  namespace: string;
  ids: SeedIds;
  /** Rows written per step. */
  counts: Record<string, number>;
}

const MIN = 60_000;

/** True when the database holds no plants and no portfolio yet (a fresh install to seed). */
export async function isEmpty(sql: Sql): Promise<boolean> {
  const [row] = await sql<{ plants: string | null; portfolios: string | null }[]>`
    select to_regclass('public.plants')::text as plants, to_regclass('public.portfolios')::text as portfolios`;
  if (!row.plants || !row.portfolios) return true;
  const [{ any }] = await sql<{ any: boolean }[]>`
    select exists(select 1 from plants) or exists(select 1 from portfolios) as any`;
  return !any;
}

/** Applies migrations, then writes every seeded table in one transaction. */
export async function populatePostgres(options: PopulatePostgresOptions): Promise<PopulateResult> {
  const { sql, onProgress, namespace: ns = SEED_NAMESPACE } = options;
  const end = Math.floor((options.now ?? Date.now()) / MIN) * MIN;
  const steps = new Steps(onProgress);
  await steps.run("migrations", async () => (await migrate(sql)).length);
  const ids = await sql.begin((tx) => writeAll(tx as unknown as Sql, steps, { ...options, end, ns }));
  return { end, namespace: ns, ids, counts: steps.counts };
}

async function writeAll(
  tx: Sql,
  steps: Steps,
  o: PopulatePostgresOptions & { end: number; ns: string },
): Promise<SeedIds> {
  // deno-lint-ignore no-explicit-any
  const t = tx as any;
  const { end, ns } = o;
  const plans = { offers: offers(end, ns), events: adrEvents(end, ns) };
  let ids = {} as SeedIds;
  await steps.run("portfolio, sites, meters, assets", async () => {
    const sites = await writeSites(t, ns);
    const equipment = await writeEquipment(t, ns, sites);
    ids = { ...sites, assets: equipment.assets, plants: {}, vens: {}, program: "" };
    return sites.rows + equipment.rows;
  });
  await steps.run("plants and flexibility offers", async () => {
    const written = await writePlants(t, ns, ids.sites, end, plans.offers);
    ids.plants = written.plants;
    return written.rows;
  });
  const samples = Object.fromEntries(
    VENS.map((v) => [v.name, venSeries(v, end, sheddingWindows(plans.events, v.name, end))]),
  );
  await steps.run("VENs, loads, ADR program and events", async () => {
    const lastSeen = Object.fromEntries(VENS.map((v) => [v.name, samples[v.name].at(-1)!.ts]));
    const written = await writeVens(t, ns, ids.sites, plans.events, lastSeen);
    ids.vens = written.vens;
    ids.program = written.program;
    return written.rows;
  });
  await steps.run("users", () => writeUsers(t, ns, { admin: o.adminPassword, demo: o.demoPassword }));
  await steps.run("alert rules", () => writeAlertRules(t, ns, ids));
  const series = plantSeries(PLANTS, end, ns);
  await steps.run("meter readings (1 min, 24 h)", () => writeReadings(t, series, ids.plants));
  await steps.run("alerts", () => {
    const siteOf: Record<string, string | null> = {};
    for (const p of PLANTS) siteOf[ids.plants[p.name]] = p.site ? ids.sites[p.site] : null;
    const venSite = VENS.find((v) => v.name === OFFLINE_VEN)!.site;
    siteOf[ids.vens[OFFLINE_VEN]] = ids.sites[venSite];
    const alerts: AlertRow[] = series.flatMap((s) =>
      s.alerts.map((a) => ({ ...a, entityId: ids.plants[s.plant.name], plantId: ids.plants[s.plant.name] }))
    );
    alerts.push(venOfflineAlert(ns, ids.vens[OFFLINE_VEN], end));
    return writeAlerts(t, alerts, siteOf);
  });
  await steps.run("measurements", () => writeMeasurements(t, end, ns, ids.meters, ids.sites));
  await steps.run(
    "VEN telemetry, load samples, statuses",
    () => writeVenTelemetry(t, samples, ids.vens, end),
  );
  await steps.run("ADR participation", () => writeParticipation(t, plans.events, ids.vens, samples, end));
  const seeded = {
    plants: Object.values(ids.plants),
    meters: Object.values(ids.meters),
    vens: Object.values(ids.vens),
    from: end - (WINDOW_MINUTES - 1) * MIN,
    to: end,
  };
  await steps.run("rollups 1m/10m/30m/3h/6h", () => writeRollups(t, seeded));
  await steps.run("ingestion log", () => writeIngestionLog(t, seeded, rejectedTimes(end)));
  return ids;
}

if (import.meta.main) {
  const { runCli } = await import("./cli.ts");
  await runCli("populate_postgres", async ({ sql, config, progress }) => {
    await populatePostgres({ sql, onProgress: progress, adminPassword: config.adminPassword });
  });
}
