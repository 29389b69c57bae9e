/**
 * The services a running GridPulse is made of, built once by main.ts (or by a test) and handed to the
 * web layer through `ctx.state.services`.
 * @module
 */
import type { Config } from "./config.ts";
import type { Logger } from "./log.ts";
import type { PostgresStore, Sql } from "../stores/postgres/client.ts";
import type { DocumentStore } from "../stores/documents/documents.ts";
import type { Cache } from "../stores/cache/cache.ts";
import type { SeriesSink } from "../stores/series/series.ts";
import type { StoreStatus } from "../stores/status.ts";
import type { Runtime } from "../actors/runtime.ts";

/** Publishes to the MQTT broker (ADR events out to VENs). */
export interface MqttPublisher {
  /** Where the broker is, and whether it is the embedded one. */
  readonly url: string;
  readonly backend: "embedded" | "external";
  /** Resolves once the broker acknowledged (QoS 1). */
  publish(topic: string, payload: unknown, options?: { retain?: boolean; qos?: 0 | 1 }): Promise<void>;
  check(): Promise<StoreStatus>;
}

/** Everything a route handler or an actor host needs from the outside world. */
export interface Services {
  config: Config;
  log: Logger;
  postgres: PostgresStore;
  /** Shortcut for `postgres.sql`. */
  sql: Sql;
  documents: DocumentStore;
  cache: Cache;
  /** Absent when InfluxDB is not configured. */
  series?: SeriesSink;
  /** Absent in tests that exercise the API without actors. */
  runtime?: Runtime;
  /** Absent in tests that run without a broker. */
  mqtt?: MqttPublisher;
  /** The TCP telemetry listener, when `TCP_PORT` is set. */
  tcp?: { readonly port: number; stats(): { connections: number; published: number; refused: number } };
  /** The status of every store, for `/api/ready`. */
  health(): Promise<StoreStatus[]>;
  /**
   * Aborted when GridPulse stops: long-lived responses (the change stream) end on it, since the HTTP
   * server's graceful shutdown waits for every open response. Absent where nothing stops (tests).
   */
  closing?: AbortSignal;
  /** What start-up is still doing (seeding, starting the actors); unset once GridPulse is running. */
  startup?: string;
}

/** The web layer's `ctx.state`. */
export interface State {
  services: Services;
  /** The authenticated user, set by the auth middleware. */
  user?: { id: string; username: string; role: "viewer" | "operator" | "admin" };
  /** The page title `_app.tsx` shows. */
  title?: string;
  [key: string]: unknown;
}
