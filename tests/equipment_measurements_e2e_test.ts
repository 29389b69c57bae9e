/**
 * Measurements of assets and energy sources end to end: GridPulse started by `startGridPulse` on its
 * embedded defaults (PGlite, its own aedes broker, so no other session's messages reach its catch-all,
 * in-process cache) with the real actor runtime. A device publishes over MQTT on
 * `gridpulse/sites/{siteId}/assets/{assetId}` and `.../energy-sources/{sourceId}`: the rows land in
 * `measurements` with their entity type, `/api/measurements?entity_type=asset|energy_source` returns
 * them, `/api/sites/{id}/latest` shows their latest values, and another site's asset published on this
 * site's topic is refused with the reason (`/api/telemetry/events`).
 */
import assert from "node:assert/strict";
import mqtt from "mqtt";
import { startGridPulse } from "../core/boot.ts";
import { loadConfig } from "../core/config.ts";
import { silentLogger } from "../core/log.ts";
import type { LatestValue } from "../domain/live.ts";
import { topics } from "../domain/telemetry.ts";
import { waitFor } from "../actors/runtime_testing.ts";
import { insertAsset, insertEnergySource, insertMeter, insertSite } from "../actors/site/testing.ts";

const PASSWORD = "e2e-admin-password";

Deno.test("an asset's and an energy source's measurements published over MQTT are stored with their entity type and served by the API", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "gridpulse-equipment-e2e-" });
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
  const device = await mqtt.connectAsync(app.mqttUrl, {
    clientId: `e2e-device-${crypto.randomUUID().slice(0, 8)}`,
  });
  try {
    const { sql } = app.services;
    const runtime = app.services.runtime!;
    const site = await insertSite(sql);
    await insertMeter(sql, site, { category: "CONS" });
    const chiller = await insertAsset(sql, site, "chiller");
    const pv = await insertEnergySource(sql, site, "solar");
    const other = await insertSite(sql);
    const foreign = await insertAsset(sql, other, "pump");
    await runtime.upsert("site", site);
    await runtime.upsert("site", other);

    const login = await fetch(`${app.url}/api/auth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: PASSWORD }),
    });
    const { accessToken } = await login.json();
    const get = async (path: string) => {
      const res = await fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${accessToken}` } });
      const json = await res.json();
      assert.ok(res.ok, `GET ${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };

    const ts = Date.now() - 1_000;
    const publish = (topic: string, payload: unknown) =>
      device.publishAsync(topic, JSON.stringify(payload), { qos: 1 });
    await publish(topics.assetMeasurement(site, chiller), { ts, metric: "power", value: 42.5, unit: "kW" });
    await publish(topics.energySourceMeasurement(site, pv), { ts, metric: "power", value: 180 });
    await publish(topics.assetMeasurement(site, foreign), { ts, metric: "power", value: 7 });

    const rows = await waitFor(
      async () => {
        const found = await sql<{ entity_type: string; entity_id: string; value: number; unit: string }[]>`
          select entity_type, entity_id::text, value, unit from measurements where site_id = ${site}
          order by entity_type`;
        return found.length === 2 && found;
      },
      "the asset's and the energy source's measurements",
      30_000,
      100,
    );
    assert.deepEqual(rows.map((r) => ({ ...r })), [
      { entity_type: "asset", entity_id: chiller, value: 42.5, unit: "kW" },
      { entity_type: "energy_source", entity_id: pv, value: 180, unit: "kW" },
    ]);

    const assets = await get(`/api/measurements?entity_type=asset&site_id=${site}`);
    assert.equal(assets.total, 1);
    assert.deepEqual(
      assets.items.map((m: Record<string, unknown>) => [m.entityType, m.entityId, m.metric, m.value]),
      [["asset", chiller, "power", 42.5]],
    );
    const sources = await get(`/api/measurements?entity_type=energy_source&site_id=${site}`);
    assert.deepEqual(sources.items.map((m: Record<string, unknown>) => m.entityId), [pv]);
    const meters = await get(`/api/measurements?entity_type=meter&site_id=${site}`);
    assert.equal(meters.total, 0);

    const latest = await waitFor(
      async () => {
        const items = (await get(`/api/sites/${site}/latest`)).items as LatestValue[];
        return items.length === 2 && items;
      },
      "the latest values of the asset and the energy source",
      10_000,
      100,
    );
    assert.deepEqual(latest.map((v) => [v.entityType, v.entityId, v.equipmentType, v.value]), [
      ["asset", chiller, "chiller", 42.5],
      ["energy_source", pv, "solar", 180],
    ]);

    const refused = await waitFor(
      async () => {
        const events = await get(`/api/telemetry/events?kind=site&id=${site}&reason_prefix=asset`);
        return events.items.length > 0 && events.items;
      },
      "the foreign asset's measurement recorded as rejected",
      30_000,
      200,
    );
    assert.equal(refused[0].reason, `asset ${foreign} is not an active asset of site ${site}`);
    assert.equal(refused[0].topic, topics.assetMeasurement(site, foreign));
    const [{ count }] = await sql<{ count: number }[]>`
      select count(*)::int as count from measurements where entity_id = ${foreign}`;
    assert.equal(count, 0);
  } finally {
    await device.endAsync();
    await app.stop();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
});
