/**
 * The actor runtime's factory: registry of actors (every active entity of every registered kind),
 * supervisor and worker hosts, the group-commit writer, the catch-all session for unknown ids, and the
 * figures for `/metrics` and `/api/ready`.
 *
 * @example
 * ```ts ignore
 * import { createRuntime } from "./actors/create_runtime.ts";
 * const runtime = await createRuntime(services, { mqttUrl: broker.url });
 * await runtime.ready(30_000); // every shard subscribed
 * // ... on shutdown
 * await runtime.stop();
 * ```
 * @module
 */
import type { BackoffOptions } from "../core/retry.ts";
import { type ActorRuntime, RuntimeCore, type RuntimeServices } from "./actor_runtime.ts";
import type { RestartIntensity } from "./supervisor.ts";

export type { ActorRuntime, RuntimeServices };

/** Options for {@linkcode createRuntime}; every field has a default. */
export interface RuntimeOptions {
  /** The broker. @default {services.config.mqtt.url ?? services.mqtt?.url (the embedded broker)} */
  mqttUrl?: string;
  /** Worker hosts. @default {services.config.workers} */
  workers?: number;
  /** Shards (each one MQTT session). @default {services.config.shards} */
  shards?: number;
  /** Client ids are `{prefix}-shard-{n}` and `{prefix}-catchall`. @default {"gridpulse"} */
  clientIdPrefix?: string;
  /** Unacknowledged messages per shard before its session pauses. @default {1000} */
  mailboxSize?: number;
  /** @default {2000} */
  batchMaxMessages?: number;
  /** @default {5} */
  batchMaxDelayMs?: number;
  /** @default {5000} */
  snapshotIntervalMs?: number;
  /**
   * How often a host fires due actor timers (data-gap deadlines, bucket ends): a gap alert is raised
   * at most this late. @default {25}
   */
  timerTickMs?: number;
  /** Live state per actor at most this often, except alerts and status changes (at once). @default {500} */
  liveIntervalMs?: number;
  /** @default {{ maxRestarts: 5, windowMs: 60000 }} */
  restartIntensity?: RestartIntensity;
  /** Worker restart backoff. @default {{ minDelayMs: 200, maxDelayMs: 10000 }} */
  restartBackoff?: BackoffOptions;
  /** @default {1000} */
  heartbeatIntervalMs?: number;
  /** @default {10000} */
  heartbeatTimeoutMs?: number;
  /**
   * Record telemetry for unknown ids as rejected (one more session on the wildcards, which doubles the
   * broker's deliveries). @default {config.mqtt.catchAll: MQTT_CATCH_ALL, on}
   */
  catchAll?: boolean;
  /** Group commit size bound, in messages. @default {20000} */
  writerMaxMessages?: number;
  /** How often actors are reconciled with the database (new, deleted, changed entities); 0: never. @default {30000} */
  reconcileIntervalMs?: number;
  /** How long to wait for the broker at start. @default {10000} */
  brokerTimeoutMs?: number;
  /** The worker module (tests substitute one). @default {actors/host/worker.ts} */
  workerUrl?: URL;
}

/**
 * Creates and starts the runtime: loads every active entity of every registered kind and starts the
 * workers, which subscribe their shards in the background (see {@linkcode ActorRuntime.ready}).
 *
 * @throws {TypeError} when no broker URL is known.
 * @throws {StoreUnavailableError} when the broker does not accept the catch-all session in time.
 */
export async function createRuntime(
  services: RuntimeServices,
  options: RuntimeOptions = {},
): Promise<ActorRuntime> {
  const { config } = services;
  // MQTT_URL first: the publisher's url is masked (no password), fine only for the embedded broker.
  const mqttUrl = options.mqttUrl ?? config.mqtt.url ?? services.mqtt?.url;
  if (!mqttUrl) throw new TypeError("createRuntime needs a broker: set options.mqttUrl or services.mqtt");
  const catchAll = options.catchAll ?? config.mqtt.catchAll;
  const shards = options.shards ?? config.shards;
  const runtime = new RuntimeCore({
    services,
    log: services.log.child({ component: "runtime" }),
    mqttUrl,
    workers: options.workers ?? config.workers,
    shards,
    settings: {
      clientIdPrefix: options.clientIdPrefix ?? "gridpulse",
      shards,
      mailboxSize: options.mailboxSize ?? 1000,
      batchMaxMessages: options.batchMaxMessages ?? 2000,
      batchMaxDelayMs: options.batchMaxDelayMs ?? 5,
      snapshotIntervalMs: options.snapshotIntervalMs ?? 5000,
      timerTickMs: options.timerTickMs ?? 25,
      liveIntervalMs: options.liveIntervalMs ?? 500,
      recordUnknown: !catchAll,
      logLevel: config.logLevel,
    },
    workerUrl: options.workerUrl ?? new URL("./host/worker.ts", import.meta.url),
    intensity: options.restartIntensity ?? { maxRestarts: 5, windowMs: 60_000 },
    backoff: options.restartBackoff ?? { minDelayMs: 200, maxDelayMs: 10_000 },
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1000,
    heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 10_000,
    catchAll,
    writerMaxMessages: options.writerMaxMessages,
    reconcileIntervalMs: options.reconcileIntervalMs ?? 30_000,
    brokerTimeoutMs: options.brokerTimeoutMs ?? 10_000,
  });
  await runtime.start();
  return runtime;
}
