/**
 * The inbound side of one MQTT session: PUBLISHes handed over in arrival order with a session-wide
 * sequence number, PUBACKs released strictly in that order once acked (one write for all that became
 * releasable in a microtask), and pause/resume: while paused nothing is handed over, packets already
 * parsed are held, and the read loop waits.
 * @module
 */
import type mqttPacket from "mqtt-packet";
import { AckQueue, NO_PACKET_ID } from "./_ack_queue.ts";
import type { InboundMessage } from "./session.ts";

const encoder = new TextEncoder();

/** In-order delivery and acknowledgement of inbound PUBLISHes. */
export class Inbound {
  #acks = new AckQueue(1);
  #releasable: number[] = [];
  #flushScheduled = false;
  #paused = false;
  #held: mqttPacket.IPublishPacket[] = [];
  #wakeReader?: () => void;
  #onMessage?: (message: InboundMessage) => void;
  #write: (bytes: Uint8Array) => Promise<void>;
  #ackDelayMs: number;
  #flushTimer?: ReturnType<typeof setTimeout>;

  constructor(
    onMessage: ((message: InboundMessage) => void) | undefined,
    write: (bytes: Uint8Array) => Promise<void>,
    ackDelayMs = 0,
  ) {
    this.#onMessage = onMessage;
    this.#write = write;
    this.#ackDelayMs = ackDelayMs;
  }

  /** Messages handed over on this connection and not yet released. */
  get pending(): number {
    return this.#acks.size;
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** A new connection: what was not acknowledged (handed over or held) is redelivered by the broker. */
  reset(): void {
    this.#acks = new AckQueue(this.#acks.nextSeq);
    this.#releasable.length = 0;
    this.#held = [];
  }

  /** A parsed PUBLISH: handed over now, or held while paused. */
  publish(packet: mqttPacket.IPublishPacket): void {
    if (this.#paused) this.#held.push(packet);
    else this.#deliver(packet);
  }

  /** Releases `seq`; its PUBACK leaves once every earlier message is released too. */
  ack(seq: number): void {
    this.#acks.ack(seq, this.#releasable);
    if (this.#releasable.length > 0 && !this.#flushScheduled) {
      this.#flushScheduled = true;
      if (this.#ackDelayMs > 0) this.#flushTimer = setTimeout(() => this.flush(), this.#ackDelayMs);
      else queueMicrotask(() => this.flush());
    }
  }

  pause(): void {
    this.#paused = true;
  }

  /** Hands the held packets over (until paused again), then lets the read loop go on. */
  resume(): void {
    this.#paused = false;
    while (this.#held.length > 0 && !this.#paused) this.#deliver(this.#held.shift()!);
    if (this.#paused) return;
    this.wake();
  }

  /** For the read loop: resolves at once unless paused, else on resume (or {@linkcode wake}). */
  whilePaused(): Promise<void> | undefined {
    if (!this.#paused) return undefined;
    return new Promise((resolve) => (this.#wakeReader = resolve));
  }

  /** Wakes a waiting read loop (resume, or the connection is gone). */
  wake(): void {
    this.#wakeReader?.();
    this.#wakeReader = undefined;
  }

  /** Writes the releasable PUBACKs now (4 bytes each: 0x40, 2, packet id), in one write. */
  flush(): void {
    clearTimeout(this.#flushTimer);
    this.#flushScheduled = false;
    const ids = this.#releasable;
    if (ids.length === 0) return;
    const bytes = new Uint8Array(ids.length * 4);
    for (let i = 0; i < ids.length; i++) {
      bytes[i * 4] = 0x40;
      bytes[i * 4 + 1] = 2;
      bytes[i * 4 + 2] = ids[i] >> 8;
      bytes[i * 4 + 3] = ids[i] & 0xff;
    }
    ids.length = 0;
    this.#write(bytes).catch(() => {}); // a lost connection drops them: the broker redelivers
  }

  #deliver(packet: mqttPacket.IPublishPacket): void {
    // QoS 2 cannot happen (sessions subscribe with QoS 1 at most); treated as QoS 0 if a broker sent it.
    const seq = this.#acks.push(packet.qos === 1 ? packet.messageId! : NO_PACKET_ID);
    const payload = typeof packet.payload === "string" ? encoder.encode(packet.payload) : packet.payload;
    this.#onMessage?.({ seq, topic: packet.topic, payload, qos: packet.qos, dup: packet.dup });
  }
}
