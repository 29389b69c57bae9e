/**
 * Outbound requests of one MQTT session that wait for the broker's answer: QoS 1 PUBLISH (PUBACK),
 * SUBSCRIBE (SUBACK), UNSUBSCRIBE (UNSUBACK). Owns the packet-id space and the in-flight window.
 * @module
 */
import mqttPacket from "mqtt-packet";
import { Buffer } from "node:buffer";
import { StoreUnavailableError } from "../core/errors.ts";

interface Pending {
  kind: "puback" | "suback" | "unsuback";
  /** The encoded packet; publishes are resent (with DUP) after a reconnect. */
  packet?: mqttPacket.IPublishPacket;
  resolve(): void;
  reject(error: unknown): void;
}

/** Tracks outbound packets until the broker answers them. */
export class Outbound {
  #write: (bytes: Uint8Array) => Promise<void>;
  #maxInflight: number;
  #pending = new Map<number, Pending>();
  #publishes = 0;
  #nextId = 1;
  #attached = false;
  #slotWaiters: (() => void)[] = [];
  #drainWaiters: (() => void)[] = [];
  #failed?: unknown;
  /** Topic filters to (re)subscribe after every connect. */
  #subscriptions = new Map<string, 0 | 1>();

  constructor(write: (bytes: Uint8Array) => Promise<void>, maxInflight: number) {
    this.#write = write;
    this.#maxInflight = maxInflight;
  }

  /** QoS 1 publish: resolves on PUBACK; queued while disconnected, resent with DUP after a reconnect. */
  async publish(topic: string, payload: Uint8Array | string, retain: boolean): Promise<void> {
    while (this.#publishes >= this.#maxInflight) {
      if (this.#failed) throw this.#failed;
      await new Promise<void>((resolve) => this.#slotWaiters.push(resolve));
    }
    if (this.#failed) throw this.#failed;
    const messageId = this.#allocate();
    const body = typeof payload === "string"
      ? payload
      : Buffer.from(payload.buffer, payload.byteOffset, payload.length);
    const packet: mqttPacket.IPublishPacket = {
      cmd: "publish",
      topic,
      payload: body,
      qos: 1,
      dup: false,
      retain,
      messageId,
    };
    this.#publishes++;
    const done = new Promise<void>((resolve, reject) => {
      this.#pending.set(messageId, { kind: "puback", packet, resolve, reject });
    });
    if (this.#attached) this.#write(mqttPacket.generate(packet)).catch(() => {}); // resent on reconnect
    return await done;
  }

  /** QoS 0 PUBLISH, written at once (nothing to wait for). */
  publishQos0(topic: string, payload: Uint8Array | string, retain: boolean): Promise<void> {
    const body = typeof payload === "string"
      ? payload
      : Buffer.from(payload.buffer, payload.byteOffset, payload.length);
    return this.#write(
      mqttPacket.generate({ cmd: "publish", topic, payload: body, qos: 0, dup: false, retain }),
    );
  }

  /** Records filters to subscribe to on every (re)connect; `undefined` forgets them. */
  remember(topics: string[], qos: 0 | 1 | undefined): void {
    for (const topic of topics) {
      if (qos === undefined) this.#subscriptions.delete(topic);
      else this.#subscriptions.set(topic, qos);
    }
  }

  /** After a connect: SUBSCRIBE every remembered filter again, `chunk` filters per packet. */
  resubscribe(chunk: number, onError: (error: unknown) => void): void {
    const byQos = new Map<0 | 1, string[]>();
    for (const [topic, qos] of this.#subscriptions) byQos.set(qos, [...byQos.get(qos) ?? [], topic]);
    for (const [qos, topics] of byQos) {
      for (let i = 0; i < topics.length; i += chunk) {
        this.subscribe(topics.slice(i, i + chunk), qos).catch(onError);
      }
    }
  }

  /** SUBSCRIBE; rejects with {@linkcode StoreUnavailableError} when not connected (caller retries). */
  subscribe(topics: string[], qos: 0 | 1): Promise<void> {
    return this.#request("suback", (messageId) =>
      mqttPacket.generate({
        cmd: "subscribe",
        messageId,
        subscriptions: topics.map((topic) => ({ topic, qos })),
      }));
  }

  /** UNSUBSCRIBE; rejects with {@linkcode StoreUnavailableError} when not connected (caller retries). */
  unsubscribe(topics: string[]): Promise<void> {
    return this.#request(
      "unsuback",
      (messageId) => mqttPacket.generate({ cmd: "unsubscribe", messageId, unsubscriptions: topics }),
    );
  }

  /** Settles the request a PUBACK, SUBACK or UNSUBACK answers. */
  settle(packet: mqttPacket.Packet): void {
    const id = packet.messageId;
    const pending = id === undefined ? undefined : this.#pending.get(id);
    if (!pending || pending.kind !== packet.cmd) return;
    this.#pending.delete(id!);
    if (packet.cmd === "suback" && packet.granted.some((code) => typeof code === "number" && code >= 0x80)) {
      pending.reject(new Error(`Broker refused a subscription (SUBACK ${packet.granted.join(",")})`));
      return;
    }
    if (pending.kind === "puback") this.#releaseSlot();
    pending.resolve();
  }

  /** Connected: resends every unacknowledged publish with DUP, in packet-id order of sending. */
  attach(): void {
    this.#attached = true;
    for (const pending of this.#pending.values()) {
      if (!pending.packet) continue;
      pending.packet.dup = true;
      this.#write(mqttPacket.generate(pending.packet)).catch(() => {});
    }
  }

  /** Disconnected: subscribe/unsubscribe requests fail (retried by the caller); publishes wait. */
  detach(): void {
    this.#attached = false;
    for (const [id, pending] of this.#pending) {
      if (pending.kind === "puback") continue;
      this.#pending.delete(id);
      pending.reject(new StoreUnavailableError("mqtt", "MQTT connection lost before the broker answered"));
    }
  }

  /** Closed: everything pending rejects with `error`. */
  fail(error: unknown): void {
    this.#failed = error;
    this.#attached = false;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
    this.#publishes = 0;
    for (const wake of this.#slotWaiters.splice(0)) wake();
    for (const wake of this.#drainWaiters.splice(0)) wake();
  }

  /** Resolves when no publish awaits its PUBACK, or after `timeoutMs`. */
  drained(timeoutMs: number): Promise<void> {
    if (this.#publishes === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.#drainWaiters.push(() => (clearTimeout(timer), resolve()));
    });
  }

  #request(kind: "suback" | "unsuback", encode: (messageId: number) => Uint8Array): Promise<void> {
    if (this.#failed) return Promise.reject(this.#failed);
    if (!this.#attached) {
      return Promise.reject(new StoreUnavailableError("mqtt", "MQTT session is not connected"));
    }
    const messageId = this.#allocate();
    return new Promise<void>((resolve, reject) => {
      this.#pending.set(messageId, { kind, resolve, reject });
      this.#write(encode(messageId)).catch(() => {}); // a lost connection rejects it through detach()
    });
  }

  #releaseSlot(): void {
    this.#publishes--;
    this.#slotWaiters.shift()?.();
    if (this.#publishes === 0) { for (const wake of this.#drainWaiters.splice(0)) wake(); }
  }

  #allocate(): number {
    for (let i = 0; i < 65535; i++) {
      const id = this.#nextId;
      this.#nextId = id === 65535 ? 1 : id + 1;
      if (!this.#pending.has(id)) return id;
    }
    throw new RangeError("All 65535 MQTT packet ids are in use");
  }
}
