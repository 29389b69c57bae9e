/**
 * A small MQTT 3.1.1 client over `mqtt-packet` with a pipelined acknowledgement path, for the shard
 * sessions of the actor runtime.
 *
 * Why not mqtt.js: mqtt.js handles incoming packets strictly one at a time per connection and sends a
 * QoS 1 PUBACK only from `handleMessage`'s callback (`handlers/publish.ts`, the `work` loop in
 * `client.ts`). Deferring that callback until the database commit therefore allows ONE message in
 * flight per session: a session's throughput becomes 1 / commit latency. Here every PUBLISH is handed
 * to `onMessage` as soon as it is parsed; the owner calls {@linkcode MqttSession.ack} once what the
 * message produced is committed, and PUBACKs leave strictly in arrival order (a later ack waits for
 * earlier ones, as MQTT requires). Many messages of one session then share one group commit.
 *
 * Measured with `deno run -A bench/ack_path.ts [--shards n]` (private Mosquitto with the repo's no-drop
 * config, 20,000 QoS 1 messages, one group committer shared by all sessions taking 5 ms per commit, this
 * 2-core machine, several runs):
 * - 8 sessions:  mqtt.js with the callback deferred to the commit ~690 msg/s (one message per session
 *   per commit: ~8 per commit); pipelined 23,000-41,000 msg/s (hundreds per commit), as fast as the
 *   raw pass-through without any commit (12,700-31,800 msg/s in the same runs: the publisher and the
 *   broker are the limit).
 * - 64 sessions: mqtt.js ~4,800 msg/s; pipelined ~23,000 msg/s.
 * Many sessions feeding one group commit do not rescue mqtt.js: it needs a session per message in flight.
 *
 * Backpressure: {@linkcode MqttSession.pause} stops reading the socket; the broker holds the rest (its
 * in-flight window fills, then its per-client queue). On disconnect, messages not yet acked are
 * forgotten locally: the broker redelivers them (DUP) on the persistent session, and the idempotent
 * writes make that harmless.
 *
 * @example
 * ```ts
 * import { MqttSession } from "./mqtt/session.ts";
 * const session = new MqttSession({
 *   url: "mqtt://127.0.0.1:1883",
 *   clientId: "gridpulse-shard-7",
 *   onMessage: (message) => session.ack(message.seq), // after the commit, in real code
 * });
 * session.start();
 * await session.ready(5_000);
 * await session.subscribe(["gridpulse/plants/+/telemetry"]);
 * await session.close();
 * ```
 * @module
 */
import mqttPacket from "mqtt-packet";
import { Buffer } from "node:buffer";
import { StoreUnavailableError } from "../core/errors.ts";
import { type Logger, silentLogger } from "../core/log.ts";
import { backoffDelay, type BackoffOptions } from "../core/retry.ts";
import { Inbound } from "./_inbound.ts";
import { Wire } from "./_wire.ts";
import { type BrokerAddress, maskBrokerUrl, parseBrokerUrl } from "./_url.ts";
import { Outbound } from "./_outbound.ts";

/** A PUBLISH received from the broker. */
export interface InboundMessage {
  /** Session-wide sequence number, in arrival order; pass it to {@linkcode MqttSession.ack}. */
  seq: number;
  topic: string;
  payload: Uint8Array;
  qos: 0 | 1 | 2;
  /** Set by the broker on a redelivery. */
  dup: boolean;
}

/**
 * Lifecycle states, postgres.js style: one named set, one transition function (`#move`).
 * `idle` -> `connecting` -> `connected` -> `reconnecting` -> `connecting` ... -> `closed`.
 */
export type SessionState = "idle" | "connecting" | "connected" | "reconnecting" | "closed";

const TRANSITIONS: Record<SessionState, readonly SessionState[]> = {
  idle: ["connecting", "closed"],
  connecting: ["connected", "reconnecting", "closed"],
  connected: ["reconnecting", "closed"],
  reconnecting: ["connecting", "closed"],
  closed: [],
};

/** Options for {@linkcode MqttSession}. */
export interface MqttSessionOptions {
  /** `mqtt://[user:password@]host:port`. */
  url: string;
  /** Stable per shard so the broker keeps the session across restarts. */
  clientId: string;
  /** Called for each PUBLISH as soon as it is parsed, in arrival order. */
  onMessage?: (message: InboundMessage) => void;
  /** Called on every state change. */
  onState?: (state: SessionState, error?: unknown) => void;
  /** Clean session flag; off keeps subscriptions and queued messages at the broker. @default {false} */
  clean?: boolean;
  /** @default {30} */
  keepaliveSeconds?: number;
  /** How long to wait for CONNACK. @default {5000} */
  connectTimeoutMs?: number;
  /** Reconnect backoff. @default {{ minDelayMs: 100, maxDelayMs: 5000 }} */
  reconnect?: BackoffOptions;
  /** Topics per SUBSCRIBE/UNSUBSCRIBE packet. @default {200} */
  subscribeChunk?: number;
  /** Outbound QoS 1 publishes awaiting PUBACK before `publish` waits. @default {1000} */
  maxInflight?: number;
  /**
   * Gather released PUBACKs this long before writing them (0: at the end of the current task). A
   * session that acks each message as it reads it saves a write per read. @default {0}
   */
  ackDelayMs?: number;
  log?: Logger;
}

const DISCONNECT = new Uint8Array([0xe0, 0x00]);

/** An MQTT 3.1.1 session with in-order, caller-driven PUBACKs. */
export class MqttSession {
  readonly clientId: string;
  readonly url: string;
  #address: BrokerAddress;
  #options: MqttSessionOptions;
  #log: Logger;
  #state: SessionState = "idle";
  #wire?: Wire;
  #inbound: Inbound;
  #outbound: Outbound;
  #attempt = 0;
  #connectedWaiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  #lastError?: unknown;
  #loop?: Promise<void>;
  #sleepTimer?: ReturnType<typeof setTimeout>;
  #wake?: () => void;
  #sessionPresent = false;

  constructor(options: MqttSessionOptions) {
    this.#options = options;
    this.#address = parseBrokerUrl(options.url);
    this.url = maskBrokerUrl(options.url);
    this.clientId = options.clientId;
    this.#log = (options.log ?? silentLogger).child({ mqttClient: options.clientId });
    this.#outbound = new Outbound((bytes) => this.#write(bytes), options.maxInflight ?? 1000);
    this.#inbound = new Inbound(options.onMessage, (bytes) => this.#write(bytes), options.ackDelayMs);
  }

  /** Whether the broker had kept a session for this client id (CONNACK of the last connection). */
  get sessionPresent(): boolean {
    return this.#sessionPresent;
  }

  /** The lifecycle state. */
  get state(): SessionState {
    return this.#state;
  }

  /** Messages received on this connection and not yet released as PUBACKs. */
  get pendingAcks(): number {
    return this.#inbound.pending;
  }

  /** Whether reading is paused. */
  get paused(): boolean {
    return this.#inbound.paused;
  }

  /** The last connection error, while not connected. */
  get lastError(): unknown {
    return this.#state === "connected" ? undefined : this.#lastError;
  }

  /** Starts connecting (and reconnecting) in the background. */
  start(): void {
    if (this.#state !== "idle") return;
    this.#loop = this.#run();
  }

  /**
   * Resolves once connected.
   *
   * @throws {StoreUnavailableError} when not connected within `timeoutMs`, or when closed.
   */
  ready(timeoutMs = Infinity): Promise<void> {
    if (this.#state === "connected") return Promise.resolve();
    if (this.#state === "closed") return Promise.reject(this.#closedError());
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject };
      this.#connectedWaiters.push(waiter);
      if (Number.isFinite(timeoutMs)) {
        const timer = setTimeout(() => {
          this.#connectedWaiters = this.#connectedWaiters.filter((w) => w !== waiter);
          reject(
            new StoreUnavailableError(
              "mqtt",
              `MQTT broker at ${this.url} did not accept ${this.clientId} within ${timeoutMs} ms` +
                (this.#lastError instanceof Error ? `: ${this.#lastError.message}` : ""),
              { cause: this.#lastError },
            ),
          );
        }, timeoutMs);
        waiter.resolve = () => (clearTimeout(timer), resolve());
        waiter.reject = (e) => (clearTimeout(timer), reject(e));
      }
    });
  }

  /** Subscribes (QoS 1 by default); kept across reconnects. Resolves on SUBACK. */
  async subscribe(topics: string[], qos: 0 | 1 = 1): Promise<void> {
    this.#outbound.remember(topics, qos);
    await this.#confirm(topics, (chunk) => this.#outbound.subscribe(chunk, qos));
  }

  /** Unsubscribes; resolves on UNSUBACK. */
  async unsubscribe(topics: string[]): Promise<void> {
    this.#outbound.remember(topics, undefined);
    await this.#confirm(topics, (chunk) => this.#outbound.unsubscribe(chunk));
  }

  /** Publishes; QoS 1 resolves on PUBACK (resent with DUP after a reconnect), QoS 0 once written. */
  async publish(
    topic: string,
    payload: Uint8Array | string,
    options: { qos?: 0 | 1; retain?: boolean } = {},
  ): Promise<void> {
    if (options.qos === 0) {
      await this.ready();
      return this.#outbound.publishQos0(topic, payload, !!options.retain);
    }
    return await this.#outbound.publish(topic, payload, !!options.retain);
  }

  /** Releases message `seq`: its PUBACK leaves once every earlier message is released too. */
  ack(seq: number): void {
    this.#inbound.ack(seq);
  }

  /**
   * Stops handing messages over and reading the socket: the broker holds further messages. Packets of
   * a chunk already read are held until {@linkcode resume}.
   */
  pause(): void {
    this.#inbound.pause();
  }

  /** Hands over what was held and reads again after {@linkcode pause}. */
  resume(): void {
    this.#inbound.resume();
  }

  /**
   * Stops reading, sends the PUBACKs already released and DISCONNECT (the broker keeps a persistent
   * session and redelivers whatever was not acknowledged), and closes the socket.
   */
  async close(): Promise<void> {
    if (this.#state === "closed") return;
    this.pause();
    this.#inbound.flush();
    const wire = this.#wire;
    if (this.#state === "connected" && wire) {
      await this.#outbound.drained(500);
      await wire.drained();
      await wire.write(DISCONNECT).catch(() => {});
    }
    this.#move("closed");
    wire?.close();
    this.#wake?.();
    await this.#loop;
  }

  #move(next: SessionState, error?: unknown): void {
    if (!TRANSITIONS[this.#state].includes(next)) {
      throw new Error(`MQTT session ${this.clientId} cannot move from ${this.#state} to ${next}`);
    }
    this.#state = next;
    if (error !== undefined) this.#lastError = error;
    if (next === "connected") {
      this.#attempt = 0;
      for (const w of this.#connectedWaiters.splice(0)) w.resolve();
    } else if (next === "closed") {
      clearTimeout(this.#sleepTimer);
      for (const w of this.#connectedWaiters.splice(0)) w.reject(this.#closedError());
      this.#outbound.fail(this.#closedError());
    }
    this.#options.onState?.(next, error);
  }

  /** A method, not an inline comparison: the state changes across awaits, which narrowing ignores. */
  #closed(): boolean {
    return this.#state === "closed";
  }

  #closedError(): Error {
    return new StoreUnavailableError("mqtt", `MQTT session ${this.clientId} is closed`);
  }

  async #run(): Promise<void> {
    while (this.#state !== "closed") {
      this.#move("connecting");
      try {
        await this.#connectOnce();
      } catch (error) {
        this.#lastError = error;
      }
      if (this.#closed()) break;
      this.#move("reconnecting", this.#lastError);
      const delay = backoffDelay(Math.min(this.#attempt++, 20), {
        minDelayMs: 100,
        maxDelayMs: 5_000,
        ...this.#options.reconnect,
      });
      this.#log.warn("mqtt session disconnected, reconnecting", {
        url: this.url,
        delayMs: delay,
        error: this.#lastError,
      });
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        this.#sleepTimer = setTimeout(resolve, delay);
      });
    }
  }

  /** One connection: CONNECT, CONNACK, resubscribe, then read until it ends. */
  async #connectOnce(): Promise<void> {
    let failed: ((e: unknown) => void) | undefined;
    const wire = await Wire.open(this.#address.hostname, this.#address.port, this.#inbound, (error) => {
      if (error !== undefined) this.#lastError = error;
      failed?.(error ?? new Error("connection closed"));
    });
    this.#wire = wire;
    this.#inbound.reset(); // what the last connection did not acknowledge is redelivered
    let connack: ((sessionPresent: boolean) => void) | undefined;
    const connected = new Promise<boolean>((resolve, reject) => {
      connack = resolve;
      failed = reject;
    });
    wire.parser.on("packet", (packet: mqttPacket.Packet) => {
      if (packet.cmd !== "connack") return this.#onPacket(packet);
      if (packet.returnCode) {
        failed!(new Error(`Broker refused the connection: CONNACK ${packet.returnCode}`));
      } else {
        // Set now, not after the await below: PUBLISHes queued for the session may arrive in the same
        // read as the CONNACK and are handed over before that await resumes.
        this.#sessionPresent = !!packet.sessionPresent;
        connack!(this.#sessionPresent);
      }
    });
    wire.parser.on("error", (error: Error) => wire.close(error));
    const reading = wire.read().catch((error) => wire.close(error));
    try {
      await wire.write(mqttPacket.generate(this.#connectPacket()));
      const timeout = this.#options.connectTimeoutMs ?? 5_000;
      let timer: ReturnType<typeof setTimeout> | undefined;
      this.#sessionPresent = await Promise.race([
        connected,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`No CONNACK within ${timeout} ms`)), timeout);
        }),
      ]).finally(() => clearTimeout(timer));
      if (this.#closed()) return;
      failed = undefined;
      wire.keepalive((this.#options.keepaliveSeconds ?? 30) * 1000);
      this.#outbound.attach(); // resend unacknowledged publishes with DUP
      this.#move("connected");
      this.#outbound.resubscribe(
        this.#options.subscribeChunk ?? 200,
        (error) => this.#log.warn("resubscribe failed", { error }),
      );
      await reading;
    } finally {
      wire.close();
      await reading;
      this.#outbound.detach();
    }
  }

  #connectPacket(): mqttPacket.IConnectPacket {
    return {
      cmd: "connect",
      protocolId: "MQTT",
      protocolVersion: 4,
      clientId: this.clientId,
      clean: this.#options.clean ?? false,
      keepalive: this.#options.keepaliveSeconds ?? 30,
      username: this.#address.username,
      password: this.#address.password === undefined ? undefined : Buffer.from(this.#address.password),
    };
  }

  #onPacket(packet: mqttPacket.Packet): void {
    switch (packet.cmd) {
      case "publish":
        this.#inbound.publish(packet);
        return;
      case "puback":
      case "suback":
      case "unsuback":
        this.#outbound.settle(packet);
        return;
      case "pingresp":
        return;
      default:
        this.#log.debug("mqtt packet ignored", { cmd: packet.cmd });
    }
  }

  /** Sends `send` per chunk once connected; retries after a reconnect until confirmed or closed. */
  async #confirm(topics: string[], send: (chunk: string[]) => Promise<void>): Promise<void> {
    const chunk = this.#options.subscribeChunk ?? 200;
    for (let i = 0; i < topics.length; i += chunk) {
      const part = topics.slice(i, i + chunk);
      while (true) {
        await this.ready();
        try {
          await send(part);
          break;
        } catch (error) {
          if (this.#state === "closed") throw error;
          if (!(error instanceof StoreUnavailableError)) throw error; // refused by the broker
        }
      }
    }
  }

  /** Writes in order; rejects when there is no connection (the caller's packet will be resent). */
  #write(bytes: Uint8Array): Promise<void> {
    const wire = this.#wire;
    if (!wire || wire.closed || this.#state === "closed") {
      return Promise.reject(
        new StoreUnavailableError("mqtt", `MQTT session ${this.clientId} is not connected`),
      );
    }
    return wire.write(bytes);
  }
}
