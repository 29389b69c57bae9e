/**
 * Helpers for runtime tests: a started runtime on a test database and broker with recording stores,
 * a publisher, polling, and clean-up of persistent sessions on a shared broker.
 * @module
 */
import { loadConfig } from "../core/config.ts";
import { createLogger, type Logger, silentLogger } from "../core/log.ts";
import { topics } from "../domain/telemetry.ts";
import { type ClosableMqttPublisher, createMqttPublisher } from "../mqtt/publisher.ts";
import { MqttSession } from "../mqtt/session.ts";
import { uniqueClientPrefix } from "../mqtt/testing.ts";
import type { Sql } from "../stores/postgres/client.ts";
import type { Cache } from "../stores/cache/cache.ts";
import type { DocumentStore } from "../stores/documents/documents.ts";
import { type ActorRuntime, createRuntime, type RuntimeOptions } from "./create_runtime.ts";
import { fakeCache, fakeDocuments } from "./testing.ts";

/** A running runtime for a test. */
export interface RuntimeFixture {
  runtime: ActorRuntime;
  cache: Cache;
  documents: DocumentStore;
  publisher: ClosableMqttPublisher;
  prefix: string;
  /** Publishes plant telemetry (QoS 1). */
  send(plantId: string, payload: unknown): Promise<void>;
  /** Stops the runtime and the publisher and removes the sessions from the broker. */
  stop(): Promise<void>;
}

/** Options for {@linkcode startRuntime}. */
export interface StartRuntimeOptions extends RuntimeOptions {
  cache?: Cache;
  documents?: DocumentStore;
  log?: Logger;
  /** Wait until every shard is subscribed. @default {true} */
  waitReady?: boolean;
  /** Environment variables for the runtime's configuration (e.g. `MQTT_CATCH_ALL`). */
  env?: Record<string, string>;
}

/** Starts a runtime (2 workers, 8 shards, fast restarts unless told otherwise) on `sql` and `url`. */
export async function startRuntime(
  sql: Sql,
  url: string,
  options: StartRuntimeOptions = {},
): Promise<RuntimeFixture> {
  const prefix = options.clientIdPrefix ?? uniqueClientPrefix("rt");
  const cache = options.cache ?? fakeCache();
  const documents = options.documents ?? fakeDocuments();
  const log = options.log ?? (Deno.env.get("TEST_LOG") ? createLogger({ level: "debug" }) : silentLogger);
  const runtime = await createRuntime(
    { config: loadConfig({ LOG_LEVEL: "warn", ...options.env }), log, sql, cache, documents },
    {
      workers: 2,
      shards: 8,
      restartBackoff: { minDelayMs: 20, maxDelayMs: 200 },
      heartbeatIntervalMs: 200,
      heartbeatTimeoutMs: 5_000,
      ...options,
      mqttUrl: url,
      clientIdPrefix: prefix,
    },
  );
  // generous: a cold run type-checks the worker module on first spawn, and CI machines are busy
  if (options.waitReady !== false) await runtime.ready(60_000);
  const publisher = await createMqttPublisher({
    url,
    backend: "external",
    log: silentLogger,
    clientId: `${prefix}-pub`,
  });
  return {
    runtime,
    cache,
    documents,
    publisher,
    prefix,
    send: (plantId, payload) => publisher.publish(topics.plantTelemetry(plantId), payload),
    async stop() {
      await publisher.close();
      await runtime.stop();
    },
  };
}

/** Connects each of the runtime's client ids with a clean session, so a shared broker forgets them. */
export async function purgeSessions(url: string, prefix: string, shards: number): Promise<void> {
  const ids = [`${prefix}-catchall`, ...Array.from({ length: shards }, (_, n) => `${prefix}-shard-${n}`)];
  await Promise.all(ids.map(async (clientId) => {
    const s = new MqttSession({ url, clientId, clean: true });
    s.start();
    await s.ready(5_000).catch(() => {});
    await s.close();
  }));
}

/** Polls `probe` until it returns something other than `undefined`/`false`. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 20_000,
  intervalMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The number of rows of `meter_readings` for `plantIds`. */
export async function countReadings(sql: Sql, plantIds: string[]): Promise<number> {
  const [{ n }] = await sql<{ n: number }[]>`
    select count(*)::int as n from meter_readings where plant_id = any(${plantIds}::uuid[])`;
  return n;
}
