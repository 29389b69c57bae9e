/**
 * The VEN and site issue's "done means", end to end on embedded defaults (PGlite, aedes, in-process
 * cache) with GridPulse started by `startGridPulse`: with the simulator running, `/api/stats/network`
 * and a site's `/api/sites/{id}/dashboard` change live; an ADR event created through `POST /api/events`
 * reaches exactly the targeted VENs, the simulated ones opt in, a scripted one opts out, and the
 * delivered shed shows up in `adr_participation` and through the API.
 */
import assert from "node:assert/strict";
import mqtt from "mqtt";
import { type RunningGridPulse, startGridPulse } from "../core/boot.ts";
import { loadConfig } from "../core/config.ts";
import { silentLogger } from "../core/log.ts";
import type { NetworkStats, SiteDashboard } from "../domain/live.ts";
import { topics } from "../domain/telemetry.ts";
import { type Simulator, startSimulator } from "../population/simulate.ts";
import type { Sql } from "../stores/postgres/client.ts";
import { waitFor } from "../actors/runtime_testing.ts";
import { insertMeter, insertSite } from "../actors/site/testing.ts";
import { insertVen, venTelemetry } from "../actors/ven/testing.ts";

const PASSWORD = "e2e-admin-password";
const QUIET = { spike: 0, breach: 0, gap: 0, offline: 0 };

type Api = (method: string, path: string, body?: unknown) => Promise<Record<string, unknown>>;

/** Signs in as admin; returns a JSON client that fails on any error status. */
async function signIn(url: string): Promise<Api> {
  const login = await fetch(`${url}/api/auth/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "admin", password: PASSWORD }),
  });
  const { accessToken } = await login.json();
  return async (method, path, body) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
}

/** The cast: a site with three meters, two simulated VENs of group e2e, one scripted, one outside. */
interface Scene {
  site: string;
  simulated: string[];
  scripted: string;
  outsider: string;
  sim: Simulator;
  /** VENs an event message reached (every VEN's events topic is watched). */
  reached: Set<string>;
  stop(): Promise<void>;
}

async function addLoads(sql: Sql, venId: string): Promise<void> {
  await sql`insert into ven_loads (ven_id, load_id, load_type, capacity_kw, shed_capable_kw)
    values (${venId}, 'hvac-1', 'hvac', 120, 50), (${venId}, 'ev-1', 'ev_charger', 60, 20)`;
}

async function stage(app: RunningGridPulse): Promise<Scene> {
  const { sql } = app.services;
  const runtime = app.services.runtime!;
  const site = await insertSite(sql);
  for (const category of ["CONS", "PROD", "INJ"] as const) await insertMeter(sql, site, { category });
  const simulated = [await insertVen(sql, { groups: ["e2e"] }), await insertVen(sql, { groups: ["e2e"] })];
  const outsider = await insertVen(sql, { groups: ["other"] });
  for (const id of [...simulated, outsider]) await addLoads(sql, id);
  await runtime.upsert("site", site);
  for (const id of [...simulated, outsider]) await runtime.upsert("ven", id);
  const sim = await startSimulator({
    sql,
    mqttUrl: app.mqttUrl,
    log: silentLogger,
    intervalMs: 400,
    anomalies: QUIET,
    optInRate: 1,
    onStats: () => {},
  });
  // Added after the simulator loaded its VENs, so the test plays it: it reports, and opts out.
  const scripted = await insertVen(sql, { groups: ["e2e"] });
  await runtime.upsert("ven", scripted);
  const device = await mqtt.connectAsync(app.mqttUrl, { clientId: `e2e-${crypto.randomUUID().slice(0, 8)}` });
  const reached = new Set<string>();
  device.on("message", (topic, payload) => {
    if (payload.length === 0) return; // a cleared retained message
    const venId = topic.split("/")[2];
    const event = JSON.parse(new TextDecoder().decode(payload));
    reached.add(venId);
    if (venId !== scripted || event.status === "cancelled") return;
    const answer = JSON.stringify({ opt: "optOut", reason: "e2e" });
    device.publish(topics.venEventResponse(scripted, event.id), answer, { qos: 1 });
  });
  await device.subscribeAsync(topics.venEvents("+"), { qos: 1 });
  const ticker = setInterval(() => {
    device.publish(topics.venTelemetry(scripted), JSON.stringify(venTelemetry(Date.now(), 90)), { qos: 1 });
  }, 400);
  return {
    site,
    simulated,
    scripted,
    outsider,
    sim,
    reached,
    async stop() {
      clearInterval(ticker);
      await device.endAsync();
      await sim.stop();
    },
  };
}

/** `/api/stats/network` and the site's dashboard move with the simulator. */
async function assertLive(api: Api, scene: Scene): Promise<void> {
  const stats = () => api("GET", "/api/stats/network") as Promise<NetworkStats>;
  const first = await waitFor(
    async () => {
      const s = await stats();
      return s.online === 4 && s.usedPowerKw > 0 && s;
    },
    "four VENs online",
    60_000,
    200,
  );
  assert.equal(first.vens, 4);
  const moved = await waitFor(
    async () => {
      const s = await stats();
      return s.usedPowerKw !== first.usedPowerKw && s;
    },
    "network stats to change",
    30_000,
    500,
  );
  assert.ok(moved.shedCapableKw > 0);
  const dashboard = async () =>
    ((await api("GET", `/api/sites/${scene.site}/dashboard`)) as { dashboard: SiteDashboard | null })
      .dashboard;
  const d1 = await waitFor(async () => (await dashboard()) ?? undefined, "a dashboard", 30_000, 200);
  assert.ok(d1.consumptionKw > 0 && d1.productionKw > 0);
  const d2 = await waitFor(
    async () => {
      const d = await dashboard();
      return d && d.ts !== d1.ts && d;
    },
    "the dashboard to change",
    30_000,
    200,
  );
  assert.notDeepEqual(d2, d1);
}

/** Posts an event for group e2e starting in 4 s (time for the answers): SIMPLE level 3, 30 s. */
async function postEvent(api: Api): Promise<string> {
  const program = await api("POST", "/api/programs", {
    programName: `e2e-${crypto.randomUUID().slice(0, 8)}`,
  });
  const created = await api("POST", "/api/events", {
    programId: program.id,
    eventName: "E2E peak",
    intervalPeriod: { start: new Date(Date.now() + 4_000).toISOString(), duration: "PT30S" },
    intervals: [{ id: 0, payloads: [{ type: "SIMPLE", values: [3] }] }],
    targets: { groups: ["e2e"] },
  });
  assert.equal(created.participantCount, 3);
  return created.id as string;
}

/** The answers: the simulated VENs opt in, the scripted one out; only the targeted VENs were reached. */
async function assertAnswers(sql: Sql, scene: Scene, eventId: string): Promise<void> {
  const answers = await waitFor(
    async () => {
      const rows = await sql<{ ven_id: string; opt: string }[]>`
      select ven_id, opt from adr_participation where event_id = ${eventId} and opt <> 'pending'`;
      return rows.length === 3 && rows;
    },
    "three answers",
    30_000,
    200,
  );
  assert.deepEqual(
    Object.fromEntries(answers.map((r) => [r.ven_id, r.opt])),
    { [scene.simulated[0]]: "optIn", [scene.simulated[1]]: "optIn", [scene.scripted]: "optOut" },
  );
  assert.deepEqual(
    [...scene.reached].sort(),
    [...scene.simulated, scene.scripted].sort(),
    "exactly the targets",
  );
  assert.equal(scene.sim.stats().responses, 2, "the simulated VENs answered");
}

/** While the event runs: it counts in the network stats, and the opted-in VENs' shed is recorded. */
async function assertDelivered(api: Api, sql: Sql, scene: Scene, eventId: string): Promise<void> {
  await waitFor(
    async () => {
      const s = (await api("GET", "/api/stats/network")) as NetworkStats;
      return s.activeEvents === 1;
    },
    "the event in progress in the network stats",
    30_000,
    200,
  );
  const delivered = await waitFor(
    async () => {
      const rows = await sql<{ ven_id: string; delivered_shed_kw: number }[]>`
      select ven_id, delivered_shed_kw from adr_participation where event_id = ${eventId} and samples >= 5`;
      return rows.length === 2 && rows;
    },
    "delivered shed of both opted-in VENs",
    60_000,
    200,
  );
  for (const row of delivered) {
    assert.ok(scene.simulated.includes(row.ven_id));
    assert.ok(row.delivered_shed_kw > 10, `VEN ${row.ven_id} delivered ${row.delivered_shed_kw} kW`);
  }
  type Participant = {
    venId: string;
    opt: string;
    deliveredShedKw: number | null;
    baselineKw: number | null;
  };
  const event = await api("GET", `/api/events/${eventId}`);
  const byVen = Object.fromEntries((event.participants as Participant[]).map((p) => [p.venId, p]));
  for (const id of scene.simulated) {
    assert.equal(byVen[id].opt, "optIn");
    assert.ok(byVen[id].deliveredShedKw! > 10 && byVen[id].baselineKw! > byVen[id].deliveredShedKw!);
  }
  assert.deepEqual([byVen[scene.scripted].opt, byVen[scene.scripted].deliveredShedKw], ["optOut", null]);
}

Deno.test("with the simulator, network stats and a site dashboard change live; an ADR event reaches its VENs, they answer, shed is delivered", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "gridpulse-kinds-e2e-" });
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    SIMULATE: "off",
    ADMIN_PASSWORD: PASSWORD,
    WORKERS: "1",
    SHARDS: "8",
    LOG_LEVEL: "warn",
  });
  const app = await startGridPulse(config, { log: silentLogger, print: () => {}, seed: false });
  let scene: Scene | undefined;
  try {
    const api = await signIn(app.url);
    scene = await stage(app);
    await assertLive(api, scene);
    const eventId = await postEvent(api);
    await assertAnswers(app.services.sql, scene, eventId);
    await assertDelivered(api, app.services.sql, scene, eventId);
    assert.ok(!scene.reached.has(scene.outsider));
  } finally {
    await scene?.stop();
    await app.stop();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
});
