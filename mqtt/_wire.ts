/**
 * One TCP connection to the broker: writes in order, a read loop feeding the packet parser (PUBLISH
 * decoded by hand, the rest by `mqtt-packet`; see _packet_parser.ts) and waiting while the inbound side is paused,
 * keepalive, and closing. A session makes a new one per connection attempt.
 * @module
 */
import { PacketParser } from "./_packet_parser.ts";
import { Buffer } from "node:buffer";
import type { Inbound } from "./_inbound.ts";

const PINGREQ = new Uint8Array([0xc0, 0x00]);

/** A connection to the broker. */
export class Wire {
  readonly parser = new PacketParser();
  #conn: Deno.TcpConn;
  #inbound: Inbound;
  #onClose: (error?: unknown) => void;
  #closed = false;
  #writing: Promise<void> = Promise.resolve();
  #keepalive?: ReturnType<typeof setInterval>;
  #lastReceived = Date.now();
  #lastSent = 0;
  #scratch = new Uint8Array(64 * 1024);

  constructor(conn: Deno.TcpConn, inbound: Inbound, onClose: (error?: unknown) => void) {
    conn.setNoDelay(true);
    this.#conn = conn;
    this.#inbound = inbound;
    this.#onClose = onClose;
  }

  /** Connects to `hostname:port`. */
  static async open(
    hostname: string,
    port: number,
    inbound: Inbound,
    onClose: (error?: unknown) => void,
  ): Promise<Wire> {
    return new Wire(await Deno.connect({ hostname, port }), inbound, onClose);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Writes `bytes` after everything written before; rejects once the connection is gone. */
  write(bytes: Uint8Array): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("connection closed"));
    this.#lastSent = Date.now();
    const next = this.#writing.then(() => this.#writeAll(bytes));
    this.#writing = next.catch((error) => this.close(error));
    return next;
  }

  /** Resolves when every write issued so far is done. */
  drained(): Promise<void> {
    return this.#writing;
  }

  /** Reads and parses until the connection ends; the parser's `packet` events carry the packets. */
  async read(): Promise<void> {
    while (!this.#closed) {
      await this.#inbound.whilePaused();
      if (this.#closed) return;
      const n = await this.#conn.read(this.#scratch);
      if (n === null) throw new Error("Broker closed the connection");
      this.#lastReceived = Date.now();
      // The parser keeps slices of what it is given (payloads, partial packets), so it gets a copy of
      // just the bytes read: allocating a fresh 64 KiB buffer per read, when most reads carry a few
      // hundred bytes, made the garbage collector the busiest part of a worker.
      const chunk = Buffer.from(this.#scratch.slice(0, n).buffer);
      // Paused while that read was pending: keep the chunk unparsed until resumed.
      await this.#inbound.whilePaused();
      if (this.#closed) return;
      this.parser.parse(chunk);
    }
  }

  /** PINGREQ when idle; closes the connection when the broker has been silent for 1.5 x keepalive. */
  keepalive(keepaliveMs: number): void {
    clearInterval(this.#keepalive);
    this.#keepalive = setInterval(() => {
      const now = Date.now();
      // While paused we do not read, so silence from the broker proves nothing.
      if (!this.#inbound.paused && now - this.#lastReceived > keepaliveMs * 1.5) {
        this.close(new Error(`No packet from the broker for ${now - this.#lastReceived} ms`));
      } else if (now - this.#lastSent >= keepaliveMs / 2) {
        this.write(PINGREQ).catch(() => {});
      }
    }, Math.max(100, keepaliveMs / 4));
  }

  /** Closes the socket (once), stops the keepalive and wakes a paused read loop. */
  close(error?: unknown): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#keepalive);
    try {
      this.#conn.close();
    } catch { /* already closed */ }
    this.#inbound.wake();
    this.#onClose(error);
  }

  async #writeAll(bytes: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < bytes.length) offset += await this.#conn.write(bytes.subarray(offset));
  }
}
