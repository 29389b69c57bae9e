/**
 * The subscriber side of the Redis cache: one dedicated connection (a connection in subscriber mode
 * can run no other command), opened on the first subscription, shared by every subscriber, and
 * resubscribed by ioredis after a reconnect. Each channel is subscribed once at Redis however many
 * local handlers it has.
 * @module
 */
import type { Redis } from "ioredis";

type Handler = (message: unknown) => void;

/** Fans Redis pub/sub messages out to local handlers. */
export class RedisSubscriber {
  readonly #open: () => Redis;
  readonly #ns: string;
  readonly #handlers = new Map<string, Set<Handler>>();
  #connection?: Redis;

  /** `open` creates the dedicated connection; `ns` prefixes channel names. */
  constructor(open: () => Redis, ns: string) {
    this.#open = open;
    this.#ns = ns;
  }

  /** Adds a handler; resolves, once Redis confirmed the subscription, to its removal. */
  async subscribe(channel: string, onMessage: Handler): Promise<() => Promise<void>> {
    const connection = this.#connect();
    let handlers = this.#handlers.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.#handlers.set(channel, handlers);
    }
    const first = handlers.size === 0;
    handlers.add(onMessage);
    if (first) await connection.subscribe(this.#ns + channel);
    return async () => {
      const set = this.#handlers.get(channel);
      if (!set?.delete(onMessage) || set.size > 0) return;
      this.#handlers.delete(channel);
      if (this.#connection?.status === "ready") await this.#connection.unsubscribe(this.#ns + channel);
    };
  }

  async close(): Promise<void> {
    const connection = this.#connection;
    this.#connection = undefined;
    this.#handlers.clear();
    if (!connection) return;
    if (connection.status === "ready") await connection.quit().catch(() => {});
    connection.disconnect();
  }

  #connect(): Redis {
    if (this.#connection) return this.#connection;
    const connection = this.#open();
    connection.on("error", () => {}); // reported through the command connection's check()
    connection.on("message", (channel: string, json: string) => {
      const handlers = this.#handlers.get(channel.slice(this.#ns.length));
      if (!handlers) return;
      const message = JSON.parse(json);
      for (const handler of handlers) handler(message);
    });
    this.#connection = connection;
    return connection;
  }
}
