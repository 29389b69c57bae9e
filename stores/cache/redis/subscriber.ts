/**
 * The subscriber side of the Redis cache: one dedicated connection (a connection in subscriber mode
 * can run no other command), opened on the first subscription and shared by every subscriber. Each
 * channel is subscribed once at Redis however many local handlers it has.
 *
 * A channel has local handlers only once Redis confirmed its SUBSCRIBE: a subscription that failed
 * leaves nothing behind, so the next subscriber sends SUBSCRIBE again. When the connection is lost,
 * messages published meanwhile are gone for good, so every subscription ends there (each subscriber's
 * `onInterrupt` is called) and the connection is dropped; the next `subscribe` opens a new one. This
 * replaces ioredis' silent resubscription after a reconnect, which hid the gap from the subscribers.
 * @module
 */
import type { Redis } from "ioredis";
import { StoreUnavailableError } from "../../../core/errors.ts";
import type { SubscribeOptions } from "../cache.ts";

interface Subscription extends SubscribeOptions {
  onMessage(message: unknown): void;
}

/** Fans Redis pub/sub messages out to local handlers. */
export class RedisSubscriber {
  readonly #open: () => Redis;
  readonly #ns: string;
  /** Local subscriptions of the channels Redis confirmed. */
  readonly #handlers = new Map<string, Set<Subscription>>();
  /** SUBSCRIBEs sent and not answered yet, shared by concurrent first subscribers of a channel. */
  readonly #pending = new Map<string, Promise<unknown>>();
  #connection?: Redis;

  /** `open` creates the dedicated connection; `ns` prefixes channel names. */
  constructor(open: () => Redis, ns: string) {
    this.#open = open;
    this.#ns = ns;
  }

  /**
   * Adds a handler; resolves, once Redis confirmed the subscription, to its removal.
   *
   * @throws whatever SUBSCRIBE failed with, or {@linkcode StoreUnavailableError} when the connection was
   * lost meanwhile; nothing stays registered then.
   */
  async subscribe(
    channel: string,
    onMessage: (message: unknown) => void,
    options: SubscribeOptions = {},
  ): Promise<() => Promise<void>> {
    const connection = this.#connect();
    if (!this.#handlers.has(channel)) {
      let pending = this.#pending.get(channel);
      if (!pending) {
        pending = connection.subscribe(this.#ns + channel).finally(() => this.#pending.delete(channel));
        this.#pending.set(channel, pending);
      }
      await pending;
      if (this.#connection !== connection) {
        throw new StoreUnavailableError(
          "cache",
          "The Redis subscriber connection was lost while subscribing",
        );
      }
      if (!this.#handlers.has(channel)) this.#handlers.set(channel, new Set());
    }
    const subscription: Subscription = { onMessage, onInterrupt: options.onInterrupt };
    this.#handlers.get(channel)!.add(subscription);
    return async () => {
      const set = this.#handlers.get(channel);
      if (!set?.delete(subscription) || set.size > 0) return;
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
      for (const { onMessage } of handlers) onMessage(message);
    });
    connection.on("close", () => this.#lost(connection));
    this.#connection = connection;
    return connection;
  }

  /** The connection closed (not by {@linkcode close}): every subscription ends. */
  #lost(connection: Redis): void {
    if (this.#connection !== connection) return;
    this.#connection = undefined;
    connection.disconnect(); // no reconnect: a pending SUBSCRIBE fails now rather than waiting for Redis
    const ended = [...this.#handlers.values()].flatMap((set) => [...set]);
    this.#handlers.clear();
    const error = new StoreUnavailableError("cache", "The Redis subscriber connection was lost");
    for (const { onInterrupt } of ended) onInterrupt?.(error);
  }
}
