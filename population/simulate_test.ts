import assert from "node:assert/strict";
import net from "node:net";
import { Aedes } from "aedes";
import mqtt from "mqtt";
import { loadConfig } from "../core/config.ts";
import { silentLogger } from "../core/log.ts";
import {
  MeterMeasurement,
  parseTopic,
  PlantTelemetry,
  type TopicRoute,
  topics,
  VenEventResponse,
  VenStatus,
  VenTelemetry,
} from "../domain/telemetry.ts";
import { openPostgresDocuments } from "../stores/documents/postgres/postgres_documents.ts";
import { withTestDatabase } from "../stores/postgres/testing.ts";
import { seededRandom } from "./ids.ts";
import { populate } from "./run_all.ts";
import { startSimulator } from "./simulate.ts";

const MQTT_URL = loadConfig(Deno.env.toObject()).mqtt.url;

/** The broker under test: MQTT_URL when set (it must answer), else an embedded aedes on a free port. */
async function broker(): Promise<{ url: string; close(): Promise<void> }> {
  if (MQTT_URL) return { url: MQTT_URL, close: () => Promise.resolve() };
  const aedes = await Aedes.createBroker();
  const server = net.createServer(aedes.handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The entity a topic is about: a plant, VEN, meter, asset or energy source. */
const entityOf = (route: TopicRoute) =>
  route.kind !== "site" ? route.id : route.channel === "meter" ? route.meterId : route.entityId;

const SCHEMAS = {
  plant: PlantTelemetry,
  ven: VenTelemetry,
  status: VenStatus,
  event_response: VenEventResponse,
  site: MeterMeasurement,
};

async function until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

Deno.test(`startSimulator() publishes valid payloads for every plant, VEN, meter, asset and energy source, answers ADR events and stops cleanly (${MQTT_URL ? "MQTT_URL" : "aedes"})`, () =>
  withTestDatabase("embedded", async ({ sql }) => {
    const documents = openPostgresDocuments({ sql, log: silentLogger, sweepIntervalMs: 0 });
    const { ids } = await populate({ sql, documents, namespace: crypto.randomUUID() });
    await documents.close();
    const b = await broker();
    const listener = await mqtt.connectAsync(b.url, {
      clientId: `gp-test-${crypto.randomUUID().slice(0, 8)}`,
      reconnectPeriod: 0,
    });
    const equipment = await sql<{ id: string }[]>`
      select id::text from assets where active union all select id::text from energy_sources where active`;
    const ours = new Set([
      ...Object.values(ids.plants),
      ...Object.values(ids.vens),
      ...Object.values(ids.meters),
      ...equipment.map((e) => e.id),
    ]);
    const seen = new Set<string>();
    const received: { topic: string; payload: unknown }[] = [];
    listener.on("message", (topic, payload) => {
      const route = parseTopic(topic);
      if (!route || !ours.has(entityOf(route)) || payload.length === 0) {
        return;
      }
      received.push({ topic, payload: JSON.parse(new TextDecoder().decode(payload)) });
      // A VEN that drew the offline anomaly first reports `offline` and stays silent for 1-3 minutes: its
      // status message is what it publishes. Which VEN draws it depends on the time of day: solar plants
      // draw random numbers only in daylight, which shifts the seeded sequence.
      if (route.channel !== "event_response") {
        seen.add(entityOf(route));
      }
    });
    await listener.subscribeAsync("gridpulse/#", { qos: 1 });
    const venId = ids.vens["ven-rhine-ev"];
    const eventId = crypto.randomUUID();
    const sim = await startSimulator({
      sql,
      mqttUrl: b.url,
      log: silentLogger,
      rate: 1,
      intervalMs: 250,
      random: seededRandom("simulator-test"),
      anomalies: { offline: 0.05, spike: 0.05, breach: 0.05, gap: 0 },
      optInRate: 1,
      reportEveryMs: 200,
      onStats: () => {},
    });
    try {
      await until(() => seen.size === ours.size, 15_000, "telemetry from every entity");
      // an ADR event, retained as GridPulse publishes them
      await listener.publishAsync(
        topics.venEvents(venId),
        JSON.stringify({
          id: eventId,
          status: "active",
          intervals: [{
            intervalPeriod: { start: new Date(Date.now() - 1_000).toISOString(), duration: "PT10M" },
            payloads: [{ type: "SIMPLE", values: [3] }],
          }],
        }),
        { qos: 1, retain: true },
      );
      const responseTopic = topics.venEventResponse(venId, eventId);
      await until(() => received.some((m) => m.topic === responseTopic), 10_000, "the VEN's answer");
      const answeredAt = received.length;
      await until(
        () =>
          received.slice(answeredAt).some((m) =>
            m.topic === topics.venTelemetry(venId) && (m.payload as { shedPowerKw: number }).shedPowerKw > 0
          ),
        10_000,
        "load shed during the event",
      );
      await until(() => received.some((m) => m.topic.endsWith("/status")), 15_000, "a VEN status change");
    } finally {
      await sim.stop();
      await listener.publishAsync(topics.venEvents(venId), "", { qos: 1, retain: true }); // clear the retained event
      await listener.endAsync();
      await b.close();
    }
    for (const { topic, payload } of received) {
      const route = parseTopic(topic)!;
      const schema = route.channel === "status"
        ? SCHEMAS.status
        : route.channel === "event_response"
        ? SCHEMAS.event_response
        : SCHEMAS[route.kind];
      const parsed = schema.safeParse(payload);
      assert.ok(parsed.success, `${topic}: ${JSON.stringify(payload)} ${parsed.error?.message}`);
    }
    const answer = received.find((m) => m.topic === topics.venEventResponse(venId, eventId))!;
    assert.equal((answer.payload as { opt: string }).opt, "optIn");
    const stats = sim.stats();
    assert.equal(stats.running, false);
    assert.ok(stats.published >= ours.size);
    assert.equal(stats.responses >= 1, true);
    assert.deepEqual(stats.entities, { plants: 12, vens: 6, meters: 18, equipment: equipment.length });
  }));
