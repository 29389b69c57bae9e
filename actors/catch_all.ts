/**
 * The catch-all session: shard sessions subscribe only to their own actors' topics, so telemetry for an
 * id without an actor would reach nobody and vanish. One more persistent QoS 1 session, in the main
 * isolate, subscribes to every kind's wildcard topics: a message for a known actor is acknowledged at
 * once (its shard session got its own copy), one for an unknown id is recorded as rejected ("unknown
 * plant id") through the writer and acknowledged after that commit.
 *
 * Cost, measured on the development machine (CPU per message, bench/ingest.ts and a Mosquitto-only
 * probe): the second delivery costs Mosquitto 7-9 µs (26-28 µs instead of 19 µs with 64 shard
 * sessions; subscribing at QoS 0 saves nothing measurable), and the main isolate 4-5 µs to parse and
 * acknowledge: about 10% of everything a message costs end to end. `catchAll: false` turns it off
 * where devices are trusted to use registered ids; shard hosts then record unknown ids themselves.
 * @module
 */
import type { Clock } from "../core/clock.ts";
import type { Logger } from "../core/log.ts";
import { RouteCache } from "./routes.ts";
import { type InboundMessage, MqttSession } from "../mqtt/session.ts";
import { Batcher } from "./host/batcher.ts";
import type { Batch } from "./protocol.ts";

/** Options for {@linkcode CatchAll}. */
export interface CatchAllOptions {
  url: string;
  clientId: string;
  wildcards: string[];
  /** Whether the actor `kind:id` exists and its shard is subscribed. */
  isKnown(key: string): boolean;
  commit(batch: Batch): Promise<void>;
  clock: Clock;
  log: Logger;
  mailboxSize: number;
}

/** Records telemetry for unknown ids as rejected. */
export class CatchAll {
  #o: CatchAllOptions;
  #session: MqttSession;
  #batcher: Batcher;
  /** Messages seen, and rejected as unknown. */
  readonly counts = { seen: 0, unknown: 0 };
  #routes = new RouteCache();

  constructor(options: CatchAllOptions) {
    this.#o = options;
    this.#session = new MqttSession({
      url: options.url,
      clientId: options.clientId,
      onMessage: (m) => this.#onMessage(m),
      log: options.log,
      ackDelayMs: 5, // it acks most messages as it reads them: one PUBACK write per 5 ms, not per read
    });
    const target = {
      ack: (first: number, last: number) => {
        for (let seq = first; seq <= last; seq++) this.#session.ack(seq);
        if (this.#session.paused && this.#session.pendingAcks < options.mailboxSize / 2) {
          this.#session.resume();
        }
      },
    };
    this.#target = target;
    this.#batcher = new Batcher({
      worker: -1,
      clock: options.clock,
      sinkColumns: new Map(),
      maxMessages: 1000,
      maxDelayMs: 5,
      post: (batch) =>
        options.commit(batch).then(
          () => this.#batcher.committed(batch.id),
          () => this.#batcher.failed(batch.id),
        ),
    });
  }

  #target: { ack(first: number, last: number): void };

  /** Whether the session is connected. */
  get connected(): boolean {
    return this.#session.state === "connected";
  }

  /** Connects and subscribes. */
  /**
   * Connects and subscribes.
   *
   * @throws {StoreUnavailableError} when the broker does not accept the session within `timeoutMs`.
   */
  async start(timeoutMs = 10_000): Promise<void> {
    this.#session.start();
    try {
      await this.#session.ready(timeoutMs);
    } catch (error) {
      await this.#session.close(); // no reconnecting in the background for a runtime that never started
      throw error;
    }
    await this.#session.subscribe(this.#o.wildcards);
  }

  /** Commits what it recorded, then disconnects (the broker keeps the session). */
  async close(): Promise<void> {
    await this.#batcher.drain(2_000);
    await this.#session.close();
  }

  #onMessage(message: InboundMessage): void {
    this.counts.seen++;
    const routed = this.#routes.get(message.topic);
    if (routed && this.#o.isKnown(routed.key)) {
      this.#session.ack(message.seq);
      return;
    }
    this.counts.unknown++;
    const route = routed?.route;
    this.#batcher.reject({
      uid: crypto.randomUUID(),
      kind: route?.kind,
      id: route?.id,
      topic: message.topic,
      reason: route ? `unknown ${route.kind} id` : "unknown topic",
      payload: new TextDecoder().decode(message.payload.subarray(0, 8 * 1024)),
      receivedAt: this.#o.clock.now(),
    });
    this.#batcher.message(this.#target, message.seq, route?.kind ?? "unknown", "rejected");
    if (this.#session.pendingAcks >= this.#o.mailboxSize) this.#session.pause();
  }
}
