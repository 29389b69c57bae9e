/**
 * A minimal MQTT 3.1.1 client for load generation and pass-through measurement: many QoS 1 publishes in
 * flight per connection, PUBACKs counted, and (as a subscriber) every QoS 1 message acknowledged at
 * once. Writes go into one buffer that is flushed once per turn of the event loop, so thousands of
 * packets cost one socket write; nothing is allocated per message beyond the payload the caller made.
 *
 * @example
 * ```ts ignore
 * import { WireClient } from "./bench/wire_client.ts";
 * const client = await WireClient.connect("mqtt://127.0.0.1:1883", { clientId: "pub-1" });
 * client.onPuback = () => console.log("acked");
 * client.publish(new TextEncoder().encode("a/b"), new TextEncoder().encode("{}"));
 * client.flush();
 * ```
 * @module
 */
import mqttPacket from "mqtt-packet";
import { PACKET, PacketSplitter, publishSize, readUint16, writePuback, writePublish } from "./mqtt_wire.ts";

/** Options for {@linkcode WireClient.connect}. */
export interface WireClientOptions {
  clientId: string;
  /** Clean session. @default {true} */
  clean?: boolean;
  /** @default {30} */
  keepaliveS?: number;
  /** @default {5000} */
  timeoutMs?: number;
}

/** One received PUBLISH; `payload` is a copy the handler may keep. */
export interface WireMessage {
  topic: string;
  payload: Uint8Array;
}

const decoder = new TextDecoder();

function generate(packet: Record<string, unknown>): Uint8Array {
  return mqttPacket.generate(packet as unknown as mqttPacket.Packet) as unknown as Uint8Array;
}

/** Parses `mqtt://host:port`. */
export function brokerAddress(url: string): { hostname: string; port: number } {
  const u = new URL(url);
  if (u.protocol !== "mqtt:" && u.protocol !== "tcp:") throw new TypeError(`not an mqtt:// URL: ${url}`);
  return { hostname: u.hostname, port: Number(u.port || 1883) };
}

/** An MQTT connection (see the module doc). */
export class WireClient {
  #conn: Deno.TcpConn;
  #out = new Uint8Array(256 * 1024);
  #outLen = 0;
  /** The buffer of the last finished write, reused: a fresh 256 KB per flush was half this client's CPU. */
  #spare: Uint8Array<ArrayBuffer> | undefined;
  #writing = false;
  #nextId = 1;
  #waiters = new Map<string, (bytes: Uint8Array) => void>();
  #keepalive: ReturnType<typeof setInterval>;
  #closed = false;
  /** QoS 1 publishes sent and not yet acknowledged by the broker. */
  inFlight = 0;
  published = 0;
  acked = 0;
  received = 0;
  /** Called for each PUBACK with its packet id. */
  onPuback?: (packetId: number) => void;
  /** Called for each PUBLISH received (after it was acknowledged, for QoS 1). */
  onMessage?: (message: WireMessage) => void;
  /** Called when a batch of incoming packets was handled (a good moment to publish more). */
  onDrain?: () => void;
  /** Resolves when the connection ends. */
  readonly closed: Promise<void>;

  private constructor(conn: Deno.TcpConn, keepaliveS: number) {
    this.#conn = conn;
    conn.setNoDelay(true);
    this.#keepalive = setInterval(() => this.#write(new Uint8Array([0xc0, 0])), keepaliveS * 500);
    this.closed = this.#readLoop();
  }

  /** Connects and waits for the CONNACK. */
  static async connect(url: string, options: WireClientOptions): Promise<WireClient> {
    const conn = await Deno.connect(brokerAddress(url));
    const keepaliveS = options.keepaliveS ?? 30;
    const client = new WireClient(conn, keepaliveS);
    const connack = client.#expect("connack", options.timeoutMs ?? 5_000);
    client.#write(generate({
      cmd: "connect",
      protocolId: "MQTT",
      protocolVersion: 4,
      clean: options.clean ?? true,
      clientId: options.clientId,
      keepalive: keepaliveS,
    }));
    const body = await connack.catch(async (error) => {
      await client.close();
      throw error;
    });
    if (body[1] !== 0) {
      await client.close();
      throw new Error(`broker refused the connection (CONNACK return code ${body[1]})`);
    }
    return client;
  }

  /** Subscribes to `filter` at QoS 1 and waits for the SUBACK. */
  async subscribe(filter: string, timeoutMs = 5_000): Promise<void> {
    const messageId = this.#takeId();
    const suback = this.#expect("suback", timeoutMs);
    this.#write(generate({ cmd: "subscribe", messageId, subscriptions: [{ topic: filter, qos: 1 }] }));
    const body = await suback;
    if (body[2] === 0x80) throw new Error(`broker refused the subscription to ${filter}`);
  }

  /**
   * Queues a QoS 1 PUBLISH; call {@linkcode flush} (or let an `onDrain` handler return) to send it.
   * Returns the packet id, whose PUBACK `onPuback` reports.
   */
  publish(topic: Uint8Array, payload: Uint8Array): number {
    const id = this.#takeId();
    const size = publishSize(topic.length, payload.length);
    this.#reserve(size);
    this.#outLen = writePublish(this.#out, this.#outLen, topic, id, payload);
    this.inFlight++;
    this.published++;
    return id;
  }

  /** Sends what is queued. */
  flush(): void {
    if (this.#writing || this.#outLen === 0 || this.#closed) return;
    const full = this.#out;
    const chunk = full.subarray(0, this.#outLen);
    // The next packets go into the other buffer while this one is on the wire.
    this.#out = this.#spare ?? new Uint8Array(full.length);
    this.#spare = undefined;
    this.#outLen = 0;
    this.#writing = true;
    this.#writeAll(chunk).then(() => {
      this.#spare = full;
      this.#writing = false;
      this.flush();
    }, () => this.close());
  }

  async #writeAll(chunk: Uint8Array): Promise<void> {
    let written = 0;
    while (written < chunk.length) written += await this.#conn.write(chunk.subarray(written));
  }

  /** Sends DISCONNECT and closes the socket. */
  async close(): Promise<void> {
    if (this.#closed) return;
    clearInterval(this.#keepalive);
    try {
      await this.#writeAll(new Uint8Array([0xe0, 0]));
    } catch { /* already gone */ }
    this.#closed = true;
    try {
      this.#conn.close();
    } catch { /* already closed */ }
    await this.closed;
  }

  #takeId(): number {
    const id = this.#nextId;
    this.#nextId = id === 65_535 ? 1 : id + 1;
    return id;
  }

  #reserve(size: number): void {
    if (this.#outLen + size <= this.#out.length) return;
    const bigger = new Uint8Array(Math.max(this.#out.length * 2, this.#outLen + size));
    bigger.set(this.#out.subarray(0, this.#outLen));
    this.#out = bigger;
  }

  #write(bytes: Uint8Array): void {
    this.#reserve(bytes.length);
    this.#out.set(bytes, this.#outLen);
    this.#outLen += bytes.length;
    this.flush();
  }

  #expect(what: "connack" | "suback", timeoutMs: number): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(what);
        reject(new Error(`no ${what.toUpperCase()} from the broker within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.set(what, (body) => {
        clearTimeout(timer);
        resolve(body);
      });
    });
  }

  #onPacket = (type: number, flags: number, bytes: Uint8Array, start: number, end: number): void => {
    if (type === PACKET.puback) {
      this.inFlight--;
      this.acked++;
      this.onPuback?.(readUint16(bytes, start));
    } else if (type === PACKET.publish) {
      this.#onPublish(flags, bytes, start, end);
    } else if (type === PACKET.connack || type === PACKET.suback) {
      const waiter = this.#waiters.get(type === PACKET.connack ? "connack" : "suback");
      this.#waiters.delete(type === PACKET.connack ? "connack" : "suback");
      waiter?.(bytes.slice(start, end));
    }
  };

  #onPublish(flags: number, bytes: Uint8Array, start: number, end: number): void {
    const qos = (flags >> 1) & 3;
    const topicLength = readUint16(bytes, start);
    let pos = start + 2 + topicLength;
    if (qos > 0) {
      this.#reserve(4);
      this.#outLen = writePuback(this.#out, this.#outLen, readUint16(bytes, pos));
      pos += 2;
    }
    this.received++;
    if (this.onMessage) {
      const topic = decoder.decode(bytes.subarray(start + 2, start + 2 + topicLength));
      this.onMessage({ topic, payload: bytes.slice(pos, end) });
    }
  }

  async #readLoop(): Promise<void> {
    const splitter = new PacketSplitter(this.#onPacket);
    const buf = new Uint8Array(256 * 1024);
    try {
      while (true) {
        const n = await this.#conn.read(buf);
        if (n === null) break;
        splitter.push(buf.subarray(0, n));
        this.onDrain?.();
        this.flush();
      }
    } catch {
      // reset or closed under us: `closed` resolves and the counters say how far it got
    } finally {
      this.#closed = true;
      clearInterval(this.#keepalive);
      for (const waiter of this.#waiters.values()) waiter(new Uint8Array([0, 0xff, 0x80]));
    }
  }
}
