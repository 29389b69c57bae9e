/**
 * The VEN and site issue's "done means", end to end on embedded defaults (PGlite, aedes, in-process
 * cache) with GridPulse started by `startGridPulse`: with the simulator running, `/api/stats/network`
 * and a site's `/api/sites/{id}/dashboard` change live; an ADR event created through `POST /api/events`
 * reaches exactly the targeted VENs, the simulated ones opt in, a scripted one opts out, and the
 * delivered shed shows up in `adr_participation` and through the API.
 */
import assert from "node:assert/strict";
import mqtt from "mqtt";
import { startGridPulse } from "../core/boot.ts";
import { loadConfig } from "../core/config.ts";
import { silentLogger } from "../core/log.ts";
import type { NetworkStats, SiteDashboard } from "../domain/live.ts";
import { topics } from "../domain/telemetry.ts";
import { startSimulator } from "../population/simulate.ts";
import type { Sql } from "../stores/postgres/client.ts";
import { waitFor } from "../actors/runtime_testing.ts";
import { insertMeter, insertSite } from "../actors/site/testing.ts";
import { insertVen, venTelemetry } from "../actors/ven/testing.ts";

const PASSWORD = "e2e-admin-password";
const QUIET = { spike: 0, breach: 0, gap: 0, offline: 0 };

async function addLoads(sql: Sql, venId: string): Promise<void> {
  await sql`insert into ven_loads (ven_id, load_id, load_type, capacity_kw, shed_capable_kw)
    values (${venId}, 'hvac-1', 'hvac', 120, 50), (${venId}, 'ev-1', 'ev_charger', 60, 20)`;
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
  const { sql } = app.services;
  const runtime = app.services.runtime!;
  let sim: Awaited<ReturnType<typeof startSimulator>> | undefined;
  let device: mqtt.MqttClient | undefined;
  let ticker: ReturnType<typeof setInterval> | undefined;
  try {
    const login = await fetch(`${app.url}/api/auth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: PASSWORD }),
    });
    const { accessToken } = await login.json();
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${app.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = await res.json();
      assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };

    // A site with three meters and two simulated VENs of group e2e, and one VEN outside the group.
    const site = await insertSite(sql);
    for (const category of ["CONS", "PROD", "INJ"] as const) await insertMeter(sql, site, { category });
    const simulated = [await insertVen(sql, { groups: ["e2e"] }), await insertVen(sql, { groups: ["e2e"] })];
    const outsider = await insertVen(sql, { groups: ["other"] });
    for (const id of [...simulated, outsider]) await addLoads(sql, id);
    await runtime.upsert("site", site);
    for (const id of [...simulated, outsider]) await runtime.upsert("ven", id);
    sim = await startSimulator({
      sql,
      mqttUrl: app.mqttUrl,
      log: silentLogger,
      intervalMs: 400,
      anomalies: QUIET,
      optInRate: 1,
      onStats: () => {},
    });

    // A VEN of the group the simulator does not know (added after it started): the test plays it, and
    // opts out. Every VEN's events topic is watched to see who the event reaches.
    const scripted = await insertVen(sql, { groups: ["e2e"] });
    await runtime.upsert("ven", scripted);
    device = await mqtt.connectAsync(app.mqttUrl, { clientId: `e2e-${crypto.randomUUID().slice(0, 8)}` });
    const reached = new Set<string>();
    device.on("message", (topic, payload) => {
      const venId = topic.split("/")[2];
      if (payload.length === 0) return;
      const event = JSON.parse(new TextDecoder().decode(payload));
      reached.add(venId);
      if (venId === scripted && event.status !== "cancelled") {
        device!.publish(
          topics.venEventResponse(scripted, event.id),
          JSON.stringify({ opt: "optOut", reason: "e2e" }),
          {
            qos: 1,
          },
        );
      }
    });
    await device.subscribeAsync(topics.venEvents("+"), { qos: 1 });
    ticker = setInterval(() => {
      device!.publish(topics.venTelemetry(scripted), JSON.stringify(venTelemetry(Date.now(), 90)), {
        qos: 1,
      });
    }, 400);

    // Live: the network statistics and the site dashboard move with the simulator.
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
    const dashboard = () =>
      api("GET", `/api/sites/${site}/dashboard`) as Promise<{ dashboard: SiteDashboard | null }>;
    const d1 = await waitFor(
      async () => (await dashboard()).dashboard ?? undefined,
      "a dashboard",
      30_000,
      200,
    );
    assert.ok(d1.consumptionKw > 0 && d1.productionKw > 0);
    const d2 = await waitFor(
      async () => {
        const d = (await dashboard()).dashboard;
        return d && d.ts !== d1.ts && d;
      },
      "the dashboard to change",
      30_000,
      200,
    );
    assert.notDeepEqual(d2, d1);

    // The ADR event, through the API: starts in 4 s (time for answers), SIMPLE level 3, for group e2e.
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
    const answers = await waitFor(
      async () => {
        const rows = await sql<{ ven_id: string; opt: string }[]>`
        select ven_id, opt from adr_participation where event_id = ${created.id} and opt <> 'pending'`;
        return rows.length === 3 && rows;
      },
      "three answers",
      30_000,
      200,
    );
    assert.deepEqual(
      Object.fromEntries(answers.map((r) => [r.ven_id, r.opt])),
      { [simulated[0]]: "optIn", [simulated[1]]: "optIn", [scripted]: "optOut" },
    );
    assert.deepEqual([...reached].sort(), [...simulated, scripted].sort(), "exactly the targeted VENs");
    assert.equal(sim.stats().responses, 2, "the simulated VENs answered");

    // During the event the opted-in VENs shed: their delivered shed is recorded as it runs.
    const during = await waitFor(
      async () => {
        const s = await stats();
        return s.activeEvents === 1 && s;
      },
      "the event in progress in the network stats",
      30_000,
      200,
    );
    assert.equal(during.activeEvents, 1);
    const delivered = await waitFor(
      async () => {
        const rows = await sql<{ ven_id: string; delivered_shed_kw: number; samples: number }[]>`
        select ven_id, delivered_shed_kw, samples from adr_participation
        where event_id = ${created.id} and samples >= 5`;
        return rows.length === 2 && rows;
      },
      "delivered shed of both opted-in VENs",
      60_000,
      200,
    );
    for (const row of delivered) {
      assert.ok(simulated.includes(row.ven_id));
      assert.ok(row.delivered_shed_kw > 10, `VEN ${row.ven_id} delivered ${row.delivered_shed_kw} kW`);
    }
    const event = await api("GET", `/api/events/${created.id}`);
    const byVen = Object.fromEntries(
      (event.participants as {
        venId: string;
        opt: string;
        deliveredShedKw: number | null;
        baselineKw: number | null;
      }[])
        .map((p) => [p.venId, p]),
    );
    for (const id of simulated) {
      assert.equal(byVen[id].opt, "optIn");
      assert.ok(byVen[id].deliveredShedKw! > 10 && byVen[id].baselineKw! > byVen[id].deliveredShedKw!);
    }
    assert.deepEqual([byVen[scripted].opt, byVen[scripted].deliveredShedKw], ["optOut", null]);
    assert.ok(!reached.has(outsider));
  } finally {
    clearInterval(ticker);
    await device?.endAsync();
    await sim?.stop();
    await app.stop();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
});
