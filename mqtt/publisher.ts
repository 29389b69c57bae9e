/**
 * The {@linkcode MqttPublisher} of core/services.ts: one QoS 1 session (clean start) for what GridPulse
 * publishes (ADR events to VENs) and for tools and tests.
 *
 * @example
 * ```ts ignore
 * import { createMqttPublisher } from "./mqtt/publisher.ts";
 * const mqtt = await createMqttPublisher({ url: "mqtt://127.0.0.1:1883", backend: "external", log });
 * await mqtt.publish("gridpulse/vens/…/events", { eventId: "…" });
 * await mqtt.close();
 * ```
 * @module
 */
import type { MqttPublisher } from "../core/services.ts";
import type { Logger } from "../core/log.ts";
import type { StoreStatus } from "../stores/status.ts";
import { MqttSession } from "./session.ts";

/** A publisher that can be closed. */
export interface ClosableMqttPublisher extends MqttPublisher {
  close(): Promise<void>;
}

/** Options for {@linkcode createMqttPublisher}. */
export interface MqttPublisherOptions {
  url: string;
  backend: "embedded" | "external";
  log: Logger;
  /** @default {"gridpulse-publisher-{random}"} */
  clientId?: string;
  /** How long to wait for the broker at start. @default {10000} */
  connectTimeoutMs?: number;
}

const encoder = new TextEncoder();

/**
 * Connects the publisher.
 *
 * @throws {StoreUnavailableError} when the broker does not accept the connection in time.
 */
export async function createMqttPublisher(options: MqttPublisherOptions): Promise<ClosableMqttPublisher> {
  const session = new MqttSession({
    url: options.url,
    clientId: options.clientId ?? `gridpulse-publisher-${crypto.randomUUID().slice(0, 8)}`,
    clean: true,
    log: options.log,
  });
  session.start();
  try {
    await session.ready(options.connectTimeoutMs ?? 10_000);
  } catch (error) {
    await session.close();
    throw error;
  }
  return {
    url: session.url,
    backend: options.backend,
    publish(topic, payload, publishOptions = {}) {
      const bytes = payload instanceof Uint8Array
        ? payload
        : typeof payload === "string"
        ? encoder.encode(payload)
        : encoder.encode(JSON.stringify(payload));
      return session.publish(topic, bytes, { qos: publishOptions.qos ?? 1, retain: publishOptions.retain });
    },
    check(): Promise<StoreStatus> {
      const up = session.state === "connected";
      const error = session.lastError;
      return Promise.resolve({
        store: "mqtt",
        backend: options.backend === "embedded" ? "embedded aedes" : "MQTT broker",
        state: up ? "up" : "down",
        required: true,
        location: session.url,
        error: up
          ? undefined
          : error instanceof Error
          ? error.message
          : error === undefined
          ? "not connected"
          : String(error),
      });
    },
    close: () => session.close(),
  };
}
