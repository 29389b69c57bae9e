/**
 * Latency of `/api/alerts/recent` (PostgreSQL) and `/api/stats/network` (cache only) under load:
 * autocannon in this process drives a GridPulse app in a child process (so the load generator does not
 * share the server's CPU), seeded with 200 plants, 50,000 alerts over 30 days and 1,000 live VEN states.
 * Stores follow the environment (DATABASE_URL, REDIS_URL), on a fresh database that is dropped after.
 *
 * ```sh
 * deno run -A bench/api_latency.ts [--connections 50] [--duration 15]
 * ```
 * @module
 */
import autocannon from "autocannon";
import { parseArgs } from "node:util";
import { webApp } from "../core/web_app.ts";
import { signAccessToken } from "../auth/tokens.ts";
import { loadConfig } from "../core/config.ts";
import { silentLogger } from "../core/log.ts";
import type { Services } from "../core/services.ts";
import type { VenLiveState } from "../domain/live.ts";
import { keys } from "../stores/cache/cache.ts";
import { openCache, openDocuments } from "../stores/open.ts";
import { insertUser } from "../stores/postgres/repos/users.ts";
import { openTestDatabase } from "../stores/postgres/testing.ts";

const PATHS = ["/api/alerts/recent", "/api/stats/network"];
const VENS = 1_000;

async function serve(): Promise<void> {
  const config = loadConfig(Deno.env.toObject());
  const db = await openTestDatabase(config.postgres.url ? "external" : "embedded");
  const cache = await openCache(config, { log: silentLogger });
  const documents = await openDocuments(config, { sql: db.sql, log: silentLogger });
  const services: Services = {
    config,
    log: silentLogger,
    postgres: db.store,
    sql: db.sql,
    documents,
    cache,
    health: async () => [await cache.check()],
  };
  const { sql } = db;
  await sql`insert into plants (name, asset_type, capacity_mw) select 'plant-' || i, 'solar', 10 from generate_series(1, 200) i`;
  await sql`
    insert into alerts (entity_kind, entity_id, plant_id, type, severity, message, dedupe_key, ts, last_seen_at)
    select 'plant', p.id, p.id, 'Spike', 'warning', 'spike', md5(random()::text), t, t
    from (select now() - random() * interval '30 days' as t, (random() * 199)::int as n from generate_series(1, 50000)) a
    join (select id, row_number() over () - 1 as n from plants) p using (n)`;
  // steady state: autovacuum has set the visibility map, so counts can be index-only
  await sql`vacuum analyze alerts`;
  const venKeys: string[] = [];
  for (let i = 0; i < VENS; i++) {
    const state: VenLiveState = {
      status: i % 10 === 0 ? "offline" : "online",
      usedPowerKw: 20 + (i % 50),
      shedPowerKw: i % 7,
      loads: [0, 1, 2, 3].map((l) => ({
        loadId: `load-${l}`,
        type: ["hvac", "ev_charger", "pump", "lighting"][l],
        usedKw: 5,
        shedCapableKw: 2,
      })),
      lastSeen: new Date().toISOString(),
      activeEvents: [],
    };
    const key = keys.actor("ven", crypto.randomUUID());
    venKeys.push(key);
    await cache.set(key, state);
  }
  const user = await insertUser(sql, { username: "bench-viewer", passwordHash: "-", role: "viewer" });
  const token = await signAccessToken(services, { id: user.id, username: user.username, role: "viewer" });
  const app = await webApp(services);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.handler());
  const stop = async () => {
    await server.shutdown();
    await cache.delete(...venKeys, keys.api("stats:network"));
    await cache.close();
    await documents.close();
    await db.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGTERM", stop);
  console.log(
    JSON.stringify({
      url: `http://127.0.0.1:${server.addr.port}`,
      token,
      postgres: db.backend,
      cache: cache.backend,
    }),
  );
}

async function drive(connections: number, duration: number): Promise<void> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(import.meta.url).pathname, "--serve"],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  while (!buffered.includes("\n")) {
    const { value, done } = await lines.read();
    if (done) throw new Error("the app did not start");
    buffered += value;
  }
  const target = JSON.parse(buffered.split("\n")[0]);
  const rows = [];
  try {
    for (const path of PATHS) {
      const options = {
        url: target.url + path,
        headers: { authorization: `Bearer ${target.token}` },
        connections,
      };
      await autocannon({ ...options, duration: 3 }); // warm-up: JIT, pools, caches
      const r = await autocannon({ ...options, duration });
      rows.push({
        path,
        p50: r.latency.p50,
        p90: r.latency.p90,
        p99: r.latency.p99,
        max: r.latency.max,
        rps: Math.round(r.requests.average),
        non2xx: r.non2xx,
        errors: r.errors,
      });
    }
  } finally {
    child.kill("SIGTERM");
    await child.status;
  }
  console.log(
    `postgres: ${target.postgres}, cache: ${target.cache}, ${connections} connections, ${duration} s each`,
  );
  console.table(rows);
  await Deno.mkdir(new URL("./results/", import.meta.url), { recursive: true });
  await Deno.writeTextFile(
    new URL("./results/api_latency.json", import.meta.url),
    JSON.stringify(
      { ...target, token: undefined, connections, duration, rows, at: new Date().toISOString() },
      null,
      2,
    ),
  );
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { serve: { type: "boolean" }, connections: { type: "string" }, duration: { type: "string" } },
  });
  if (values.serve) await serve();
  else await drive(Number(values.connections ?? 50), Number(values.duration ?? 15));
}
