import assert from "node:assert/strict";
import { ChangeEvent, LatestValue, SiteDashboard } from "../../domain/live.ts";
import { keys } from "../../stores/cache/cache.ts";
import { hostHarness } from "../host/testing.ts";
import { alertKeys, type SiteConfig } from "./config.ts";
import {
  assetTopic,
  energySourceTopic,
  meterConfig,
  meterTopic,
  power,
  siteConfig,
  siteSpec,
} from "./testing.ts";

const SITE = "5e1c2e7a-0c1b-4e55-9d1a-1b2c3d4e5f70";
const CONS = "5e1c2e7a-0c1b-4e55-9d1a-00000000000c";
const PROD = "5e1c2e7a-0c1b-4e55-9d1a-00000000000b";
const INJ = "5e1c2e7a-0c1b-4e55-9d1a-00000000000a";
const STOR = "5e1c2e7a-0c1b-4e55-9d1a-00000000000d";

const CHILLER = "5e1c2e7a-0c1b-4e55-9d1a-0000000000a1";
const SOLAR = "5e1c2e7a-0c1b-4e55-9d1a-0000000000e1";
const OTHER_SITE = "5e1c2e7a-0c1b-4e55-9d1a-1b2c3d4e5f71";

const withEquipment = () =>
  siteConfig({ [CONS]: meterConfig("CONS") }, [], {
    assets: { [CHILLER]: { name: "Chiller 1", type: "chiller" } },
    energySources: { [SOLAR]: { name: "Roof PV", type: "solar" } },
  });

const fourMeters = () =>
  siteConfig({
    [CONS]: meterConfig("CONS"),
    [PROD]: meterConfig("PROD"),
    [INJ]: meterConfig("INJ"),
    [STOR]: meterConfig("STOR", { frequency: "15min" }),
  });

async function started(config: SiteConfig = fourMeters()) {
  const h = hostHarness();
  await h.host.handle({
    type: "assign",
    req: 1,
    shard: 0,
    actors: [siteSpec(SITE, config)],
    unsubscribe: [],
  });
  const session = h.sessions.get("test-shard-0")!;
  const send = (meterId: string, value: number, extra: Record<string, unknown> = {}, ts = h.clock.now()) =>
    session.deliver(meterTopic(SITE, meterId), power(ts, value, extra));
  const cache = (key: string) => {
    h.host.flush();
    return h.batches.flatMap((b) => b.cache).filter((e) => e.key === key).at(-1);
  };
  const alerts = (type?: string) => h.rows("alerts").filter((r) => !type || r.type === type);
  return { h, session, send, cache, alerts };
}

Deno.test("site actor subscribes to every meter, asset and energy source of its site with one filter each", async () => {
  const { h, session } = await started();
  assert.deepEqual([...session.subscriptions], [
    `gridpulse/sites/${SITE}/meters/+`,
    `gridpulse/sites/${SITE}/assets/+`,
    `gridpulse/sites/${SITE}/energy-sources/+`,
  ]);
  await h.stop();
});

Deno.test("site actor with a fake clock: one silent meter on an otherwise live site raises one alert, for that meter", async () => {
  const { h, send, alerts } = await started();
  // CONS, PROD and INJ report every minute (gap after 3 min); INJ stops after its first reading
  send(INJ, 5);
  const silentSince = h.clock.now();
  for (let minute = 0; minute < 10; minute++) {
    send(CONS, 100);
    send(PROD, 40);
    h.advance(60_000);
  }
  const system = alerts("System");
  assert.equal(system.length, 1, "exactly one System alert");
  assert.deepEqual(
    [system[0].entity_kind, system[0].entity_id, system[0].meter_id, system[0].site_id, system[0].dedupe_key],
    ["meter", INJ, INJ, SITE, alertKeys.gap(INJ)],
  );
  const at = system[0].ts as number;
  assert.ok(at >= silentSince + 180_000 && at < silentSince + 180_200, "on time");
  send(INJ, 6);
  const resolved = h.rows("alerts").filter((r) => r.op === "resolve");
  assert.deepEqual(resolved.map((r) => r.entity_id), [INJ]);
  await h.stop();
});

Deno.test("site actor: each meter's gap deadline is k x its own reading frequency", async () => {
  const { h, send, alerts } = await started();
  send(CONS, 1);
  send(STOR, 1);
  h.advance(4 * 60_000);
  assert.deepEqual(
    alerts("System").map((r) => r.meter_id).sort(),
    [CONS, INJ, PROD].sort(),
    "1-minute meters",
  );
  h.advance(40 * 60_000);
  assert.equal(alerts("System").length, 3, "the 15-minute meter is not late yet");
  h.advance(60_000);
  assert.deepEqual(alerts("System").map((r) => r.meter_id).at(-1), STOR);
  await h.stop();
});

Deno.test("site actor refuses a meter that is not one of its site's, with the reason", async () => {
  const { h, send } = await started();
  const stranger = crypto.randomUUID();
  send(stranger, 1);
  send(CONS, 1, { metric: "pressure" });
  const reasons = h.rejected().map((r) => r.reason);
  assert.equal(reasons[0], `meter ${stranger} is not an active meter of site ${SITE}`);
  assert.match(reasons[1], /^invalid payload: metric/);
  assert.equal(h.rows("measurements").length, 0);
  await h.stop();
});

Deno.test("site actor writes measurements and the latest value of each sensor (5-minute TTL), exactly LatestValue", async () => {
  const { h, send, cache } = await started();
  const ts = h.clock.now();
  send(CONS, 120, { quality: "estimated" });
  send(CONS, 230, { metric: "voltage", unit: undefined }, ts + 1);
  assert.deepEqual(h.rows("measurements"), [
    {
      entity_type: "meter",
      entity_id: CONS,
      site_id: SITE,
      ts,
      metric: "power",
      value: 120,
      unit: "kW",
      quality: "estimated",
    },
    {
      entity_type: "meter",
      entity_id: CONS,
      site_id: SITE,
      ts: ts + 1,
      metric: "voltage",
      value: 230,
      unit: "V",
      quality: "good",
    },
  ]);
  const entry = cache(keys.latest(SITE, `${CONS}:power`))!;
  assert.equal(entry.ttlSeconds, 300);
  assert.deepEqual(LatestValue.strict().parse(entry.value), {
    entityType: "meter",
    entityId: CONS,
    meterId: CONS,
    category: "CONS",
    metric: "power",
    value: 120,
    unit: "kW",
    quality: "estimated",
    ts: new Date(ts).toISOString(),
  });
  send(CONS, 1, {}, ts - 60_000); // late: stored, but not the latest
  assert.equal((cache(keys.latest(SITE, `${CONS}:power`))!.value as LatestValue).value, 120);
  await h.stop();
});

Deno.test("site actor dashboard totals each category (1-minute TTL), exactly SiteDashboard", async () => {
  const { h, send, cache } = await started();
  const ts = h.clock.now();
  send(CONS, 300);
  send(PROD, 80);
  send(INJ, 20);
  send(STOR, -15, { unit: "kW" });
  h.advance(600);
  const entry = cache(keys.dashboard(SITE))!;
  assert.equal(entry.ttlSeconds, 60);
  assert.deepEqual(SiteDashboard.strict().parse(entry.value), {
    consumptionKw: 300,
    productionKw: 80,
    injectionKw: 20,
    storageKw: -15,
    selfConsumptionRatio: 0.75,
    ts: new Date(ts).toISOString(),
  });
  send(PROD, 0.1, { unit: "MW" });
  h.advance(600);
  assert.equal((cache(keys.dashboard(SITE))!.value as SiteDashboard).productionKw, 100, "MW readings in kW");
  await h.stop();
});

Deno.test("site actor keeps its dashboard alive while power is current and lets it lapse after", async () => {
  const { h, send, cache } = await started(
    siteConfig({ [CONS]: meterConfig("CONS", { frequency: "15min" }) }),
  );
  const none = cache(keys.dashboard(SITE));
  assert.equal(none, undefined, "nothing to total: no dashboard");
  send(CONS, 50);
  h.advance(600);
  const written = () =>
    h.batches.flatMap((b) => b.cache).filter((e) => e.key === keys.dashboard(SITE)).length;
  const first = written();
  h.advance(10 * 60_000); // no reading for 10 minutes, well within the 45-minute gap deadline
  h.host.flush();
  assert.ok(written() - first >= 19, `rewritten every 30 s (${written() - first} times)`);
  h.advance(40 * 60_000); // past the gap deadline: the meter is in a gap
  h.host.flush();
  const after = written();
  h.advance(10 * 60_000);
  h.host.flush();
  assert.equal(written(), after, "no longer refreshed: it expires");
  await h.stop();
});

Deno.test("site actor: spikes and meter alert rules open alerts linked to the meter and the site", async () => {
  const rule = {
    id: "0b8a7c6d-0000-4000-8000-0000000000aa",
    name: "Export cap",
    meterId: null,
    metric: "power",
    comparator: "above" as const,
    threshold: 500,
    durationS: 0,
    severity: "critical" as const,
  };
  const config = fourMeters();
  const { h, send, alerts } = await started({ ...config, rules: [rule] });
  const t0 = h.clock.now();
  for (let i = 0; i < 6; i++) send(CONS, 100, {}, t0 + i);
  send(CONS, 400, {}, t0 + 10);
  send(INJ, 600, {}, t0 + 11);
  const spike = alerts("Spike");
  assert.deepEqual([spike[0].meter_id, spike[0].site_id, spike[0].dedupe_key], [
    CONS,
    SITE,
    alertKeys.spike(CONS, "power"),
  ]);
  const limit = alerts("ThresholdExceeded");
  assert.deepEqual([limit[0].meter_id, limit[0].severity], [INJ, "critical"]);
  await h.stop();
});

Deno.test("site actor: a rule narrowed from every meter to one resolves the other meters' alerts of it", async () => {
  const rule = {
    id: "0b8a7c6d-0000-4000-8000-0000000000ab",
    name: "Export cap",
    meterId: null as string | null,
    metric: "power",
    comparator: "above" as const,
    threshold: 500,
    durationS: 0,
    severity: "warning" as const,
  };
  const config = fourMeters();
  const { h, send, alerts } = await started({ ...config, rules: [rule] });
  send(INJ, 600);
  send(CONS, 600);
  assert.deepEqual(alerts("ThresholdExceeded").map((r) => r.meter_id).sort(), [CONS, INJ].sort());
  await h.host.handle({
    type: "upsert",
    req: 2,
    shard: 0,
    actor: siteSpec(SITE, { ...config, rules: [{ ...rule, meterId: CONS }] }),
  });
  const resolved = h.rows("alerts").filter((r) => r.op === "resolve");
  assert.deepEqual(
    resolved.map((r) => r.entity_id),
    [INJ],
    "CONS's alert stays open: the rule still judges it",
  );
  await h.stop();
});

Deno.test("site actor restored with its meters' open alerts resolves them when data resumes", async () => {
  const h = hostHarness();
  const open = {
    id: crypto.randomUUID(),
    type: "System" as const,
    dedupeKey: alertKeys.gap(PROD),
    severity: "warning" as const,
    message: "no data",
    metric: null,
    value: null,
    ts: h.clock.now() - 60_000,
    lastSeenAt: h.clock.now() - 60_000,
    occurrences: 1,
    acknowledged: false,
  };
  await h.host.handle({
    type: "assign",
    req: 1,
    shard: 0,
    actors: [{ ...siteSpec(SITE, fourMeters()), openAlerts: [open] }],
    unsubscribe: [],
  });
  h.sessions.get("test-shard-0")!.deliver(meterTopic(SITE, PROD), power(h.clock.now(), 10));
  assert.deepEqual(h.rows("alerts").map((r) => [r.op, r.id, r.entity_id]), [["resolve", open.id, PROD]]);
  await h.stop();
});

Deno.test("site actor change events (reading, meter alerts) are domain/live.ts ChangeEvents of the site", async () => {
  const { h, send } = await started();
  send(CONS, 10);
  h.advance(4 * 60_000);
  send(CONS, 11);
  h.host.flush();
  const events = h.batches.flatMap((b) => b.events);
  assert.deepEqual(new Set(events.map((e) => e.type)), new Set(["reading", "alert"]));
  for (const event of events) {
    const parsed = ChangeEvent.parse(event);
    assert.equal(parsed.kind, "site");
    assert.equal(parsed.id, SITE);
    assert.equal(parsed.entityKind, "meter");
  }
  await h.stop();
});

Deno.test("site actor: a site with no stored measurement writes even its meters' first buckets exact, and its snapshot does not say so", async () => {
  for (const noReadings of [true, false]) {
    const h = hostHarness();
    await h.host.handle({
      type: "assign",
      req: 1,
      shard: 0,
      actors: [{ ...siteSpec(SITE, fourMeters()), ...(noReadings ? { noReadings: true as const } : {}) }],
      unsubscribe: [],
    });
    const session = h.sessions.get("test-shard-0")!;
    const minute = Math.floor(h.clock.now() / 60_000) * 60_000;
    for (const [ts, value] of [[minute - 30_000, 4], [minute - 20_000, 6], [minute + 1_000, 1]]) {
      session.deliver(meterTopic(SITE, CONS), power(ts, value));
    }
    const first = h.rows("rollups").filter((r) => r.width === "1m" && r.bucket === minute - 60_000);
    assert.deepEqual(
      first.map((r) => ({ entity: r.entity_id, exact: r.exact, count: r.count })),
      [{ entity: CONS, exact: noReadings, count: 2 }],
      noReadings ? "trusted" : "without the flag the first bucket is recomputed",
    );
    const snapshot = h.lastSnapshot();
    assert.ok(snapshot, "a snapshot was written");
    assert.equal("noReadings" in snapshot, false);
    await h.stop();
  }
});

Deno.test("site actor stores an asset's and an energy source's measurements with their entity type, and their latest values", async () => {
  const { h, session, cache } = await started(withEquipment());
  const ts = h.clock.now();
  session.deliver(assetTopic(SITE, CHILLER), power(ts, 42.5));
  session.deliver(energySourceTopic(SITE, SOLAR), { ts, metric: "power", value: 180 }); // no unit: kW
  session.deliver(assetTopic(SITE, CHILLER), { ts: ts + 1, metric: "temperature", value: 6.5 });
  assert.deepEqual(h.rejected(), []);
  assert.deepEqual(h.rows("measurements"), [
    {
      entity_type: "asset",
      entity_id: CHILLER,
      site_id: SITE,
      ts,
      metric: "power",
      value: 42.5,
      unit: "kW",
      quality: "good",
    },
    {
      entity_type: "energy_source",
      entity_id: SOLAR,
      site_id: SITE,
      ts,
      metric: "power",
      value: 180,
      unit: "kW",
      quality: "good",
    },
    {
      entity_type: "asset",
      entity_id: CHILLER,
      site_id: SITE,
      ts: ts + 1,
      metric: "temperature",
      value: 6.5,
      unit: "°C",
      quality: "good",
    },
  ]);
  const asset = cache(keys.latest(SITE, `${CHILLER}:power`))!;
  assert.equal(asset.ttlSeconds, 300);
  assert.deepEqual(LatestValue.strict().parse(asset.value), {
    entityType: "asset",
    entityId: CHILLER,
    equipmentType: "chiller",
    metric: "power",
    value: 42.5,
    unit: "kW",
    quality: "good",
    ts: new Date(ts).toISOString(),
  });
  const source = LatestValue.strict().parse(cache(keys.latest(SITE, `${SOLAR}:power`))!.value);
  assert.deepEqual([source.entityType, source.entityId, source.equipmentType, source.value], [
    "energy_source",
    SOLAR,
    "solar",
    180,
  ]);
  session.deliver(assetTopic(SITE, CHILLER), power(ts - 60_000, 1)); // late: stored, not the latest
  assert.equal((cache(keys.latest(SITE, `${CHILLER}:power`))!.value as LatestValue).value, 42.5);
  assert.equal(h.rows("measurements").length, 4);
  // no detectors, no rollups, no dashboard: an asset's power is behind a meter the dashboard already totals
  h.advance(10 * 60_000);
  h.host.flush();
  assert.deepEqual(h.rows("rollups").filter((r) => r.entity_id === CHILLER || r.entity_id === SOLAR), []);
  assert.deepEqual(h.rows("alerts").filter((r) => r.entity_id === CHILLER || r.entity_id === SOLAR), []);
  // reading events coalesce per site in a batch: the newest (the energy source's) is streamed
  const events = h.batches.flatMap((b) => b.events).filter((e) =>
    e.entityId === CHILLER || e.entityId === SOLAR
  );
  assert.ok(events.length >= 1);
  for (const event of events) {
    const parsed = ChangeEvent.parse(event);
    assert.equal(parsed.entityKind, parsed.entityId === CHILLER ? "asset" : "energy_source");
  }
  await h.stop();
});

Deno.test("site actor refuses an asset or energy source that is not one of its site's, with the reason", async () => {
  const config = withEquipment();
  const h = hostHarness();
  const foreignAsset = "5e1c2e7a-0c1b-4e55-9d1a-0000000000a2";
  const foreignSource = "5e1c2e7a-0c1b-4e55-9d1a-0000000000e2";
  await h.host.handle({
    type: "assign",
    req: 1,
    shard: 0,
    actors: [
      siteSpec(SITE, config),
      siteSpec(
        OTHER_SITE,
        siteConfig({}, [], {
          assets: { [foreignAsset]: { name: "Pump", type: "pump" } },
          energySources: { [foreignSource]: { name: "Battery", type: "battery" } },
        }),
      ),
    ],
    unsubscribe: [],
  });
  const session = h.sessions.get("test-shard-0")!;
  const ts = h.clock.now();
  // the other site's asset and energy source on this site's topics, an asset id sent as an energy source
  session.deliver(assetTopic(SITE, foreignAsset), power(ts, 1));
  session.deliver(energySourceTopic(SITE, foreignSource), power(ts, 1));
  session.deliver(energySourceTopic(SITE, CHILLER), power(ts, 1));
  session.deliver(assetTopic(SITE, CHILLER), { ts, metric: "pressure", value: 1 });
  const reasons = h.rejected().map((r) => r.reason);
  assert.deepEqual(reasons.slice(0, 3), [
    `asset ${foreignAsset} is not an active asset of site ${SITE}`,
    `energy source ${foreignSource} is not an active energy source of site ${SITE}`,
    `energy source ${CHILLER} is not an active energy source of site ${SITE}`,
  ]);
  assert.match(reasons[3], /^invalid payload: metric/);
  assert.equal(h.rows("measurements").length, 0);
  // on its own site's topic it is accepted
  session.deliver(assetTopic(OTHER_SITE, foreignAsset), power(ts, 1));
  assert.deepEqual(h.rows("measurements").map((r) => [r.entity_type, r.entity_id, r.site_id]), [
    ["asset", foreignAsset, OTHER_SITE],
  ]);
  await h.stop();
});

Deno.test("site actor: an asset's last reading time survives a snapshot, and an asset that left the site is refused after a reconfigure", async () => {
  const { h, session } = await started(withEquipment());
  const ts = h.clock.now();
  session.deliver(assetTopic(SITE, CHILLER), power(ts, 10));
  const snapshot = h.lastSnapshot() as { equipment: Record<string, { lastTs: Record<string, number> }> };
  assert.deepEqual(snapshot.equipment[CHILLER].lastTs, { power: ts });
  await h.stop();

  const restored = hostHarness();
  await restored.host.handle({
    type: "assign",
    req: 1,
    shard: 0,
    actors: [{ ...siteSpec(SITE, withEquipment()), snapshot }],
    unsubscribe: [],
  });
  const again = restored.sessions.get("test-shard-0")!;
  again.deliver(assetTopic(SITE, CHILLER), power(ts - 1_000, 3)); // older than the restored latest
  restored.host.flush();
  const latestKey = keys.latest(SITE, `${CHILLER}:power`);
  assert.equal(restored.batches.flatMap((b) => b.cache).filter((e) => e.key === latestKey).length, 0);
  assert.equal(restored.rows("measurements").length, 1, "stored all the same");
  await restored.host.handle({
    type: "upsert",
    req: 2,
    shard: 0,
    actor: siteSpec(SITE, siteConfig({ [CONS]: meterConfig("CONS") })),
  });
  again.deliver(assetTopic(SITE, CHILLER), power(ts + 1_000, 3));
  assert.equal(
    restored.rejected().at(-1)?.reason,
    `asset ${CHILLER} is not an active asset of site ${SITE}`,
  );
  await restored.stop();
});
