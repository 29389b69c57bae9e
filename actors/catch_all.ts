/**
 * The catch-all session: shard sessions subscribe only to their own actors' topics, so telemetry for an
 * id without an actor would reach nobody and vanish. One more persistent QoS 1 session, in the main
 * isolate, subscribes to every kind's wildcard topics:
 * - a message for an actor whose shard session is subscribed, or held the subscription while GridPulse
 *   was down (subscription_record.ts), is acknowledged at once: that session has its own copy;
 * - one for a registered actor no session held a subscription for (added while GridPulse was down, or
 *   just created and not subscribed yet) is the only copy: it is held, unacknowledged, until the actor's
 *   shard has subscribed, then published again on its topic (QoS 1) and acknowledged once the broker
 *   has that copy. Before, these and the held copies after a restart were recorded as "unknown plant
 *   id" and never reached their actor;
 * - one for an unknown id is recorded as rejected ("unknown plant id") through the writer and
 *   acknowledged after that commit.
 *
 * Cost (`deno task bench`, CPU per stored reading, bench/README.md): the second delivery costs Mosquitto
 * 2.3-2.8 µs and the main isolate 1.5-2 µs to parse and acknowledge, about 10% of everything a reading
 * costs end to end (subscribing at QoS 0 is slower, not faster). `catchAll: false` turns it off where
 * devices are trusted to use registered ids; shard hosts then record unknown ids themselves.
 * @module
 */
import type { Clock } from "../core/clock.ts";
import type { Logger } from "../core/log.ts";
import { RouteCache, type Routed } from "./routes.ts";
import type { TopicRoute } from "../domain/telemetry.ts";
import { type InboundMessage, MqttSession } from "../mqtt/session.ts";
import { Batcher } from "./host/batcher.ts";
import type { Batch } from "./protocol.ts";
import { deadLetterText } from "./payload.ts";

/** Options for {@linkcode CatchAll}. */
export interface CatchAllOptions {
  url: string;
  clientId: string;
  wildcards: string[];
  /**
   * `known`: a shard session has (or holds, from before this start) its own copy of the actor's
   * telemetry; `pending`: the actor is registered but no session held its subscription; `unknown`: no
   * such actor.
   */
  classify(route: TopicRoute, key: string): "known" | "pending" | "unknown";
  /** Resolves true once the actor's shard has subscribed, false if the actor is removed first. */
  whenSubscribed(key: string): Promise<boolean>;
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
  /** Messages seen, rejected as unknown, and published again for an actor subscribed late. */
  readonly counts = { seen: 0, unknown: 0, republished: 0 };
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
        this.#resumeIfDrained();
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

  /**
   * Whether the broker kept this session from before its last connection (CONNACK): if not, it kept no
   * session of GridPulse's (an embedded broker starts empty; a Mosquitto may run without persistence),
   * so no shard session holds a copy of anything published before it subscribes again.
   */
  get sessionPresent(): boolean {
    return this.#session.sessionPresent;
  }

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

  #resumeIfDrained(): void {
    if (this.#session.paused && this.#session.pendingAcks < this.#o.mailboxSize / 2) this.#session.resume();
  }

  #onMessage(message: InboundMessage): void {
    this.counts.seen++;
    const routed = this.#routes.get(message.topic);
    const known = routed ? this.#o.classify(routed.route, routed.key) : "unknown";
    if (known === "known") {
      this.#session.ack(message.seq);
      return;
    }
    if (known === "pending") return this.#holdUntilSubscribed(message, routed!);
    this.#reject(message, routed?.route);
  }

  /** The only copy of a message for an actor not subscribed yet: published again once it is. */
  #holdUntilSubscribed(message: InboundMessage, { key, route }: Routed): void {
    const payload = message.payload.slice(); // the read buffer is reused
    this.#o.whenSubscribed(key).then(async (subscribed) => {
      if (!subscribed) return this.#reject({ ...message, payload }, route); // removed meanwhile: unknown now
      await this.#session.publish(message.topic, payload, { qos: 1 });
      this.counts.republished++;
      this.#session.ack(message.seq);
      this.#resumeIfDrained();
    }).catch((error) =>
      // closing: unacknowledged, the broker delivers it again at the next start
      this.#o.log.warn("publishing a held message again failed", { topic: message.topic, error })
    );
    if (this.#session.pendingAcks >= this.#o.mailboxSize) this.#session.pause();
  }

  #reject(message: InboundMessage, route: TopicRoute | undefined): void {
    this.counts.unknown++;
    this.#batcher.reject({
      uid: crypto.randomUUID(),
      kind: route?.kind,
      id: route?.id,
      topic: message.topic,
      reason: route ? `unknown ${route.kind} id` : "unknown topic",
      payload: deadLetterText(message.payload, 8 * 1024),
      receivedAt: this.#o.clock.now(),
    });
    this.#batcher.message(this.#target, message.seq, route?.kind ?? "unknown", "rejected");
    if (this.#session.pendingAcks >= this.#o.mailboxSize) this.#session.pause();
  }
}
