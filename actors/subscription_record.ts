/**
 * The record of which persistent shard session holds each actor's subscription (`actor_subscriptions`,
 * migration 0090), kept so that the catch-all session can tell, at a start, a copy some shard session
 * also holds (acknowledged) from the only copy of a message for an actor no session was subscribed for
 * yet (published again once its shard has subscribed). Rows are written in the background after a
 * subscription: a row missing after a crash only makes the catch-all publish a message again that the
 * shard also has, which the idempotent writes absorb; a row is deleted before its actor's removal
 * completes.
 * @module
 */
import type { Logger } from "../core/log.ts";
import type { Sql } from "../stores/postgres/client.ts";
import { typedArray } from "./sink.ts";

/** Rows per statement: 5,000 left about 40 MB more resident after a first start with 100,000 actors. */
const CHUNK = 1_000;
const RETRY_MS = 5_000;

/** Subscriptions recorded for one client id prefix. */
export class SubscriptionRecord {
  #sql: Sql;
  #log: Logger;
  #prefix: string;
  #retryMs: number;
  /**
   * What earlier runs recorded (actor key -> client id), for actors not subscribed in this run yet: an
   * entry goes once its actor is, so at 100,000 actors the record holds nothing for long.
   */
  #loaded = new Map<string, string>();
  /** Not written yet: actor key -> client id. */
  #queue = new Map<string, string>();
  /** Removed since their last write: a failed write does not bring them back. */
  #forgotten = new Set<string>();
  #flushing?: Promise<void>;
  #retry?: ReturnType<typeof setTimeout>;
  #closed = false;

  constructor(options: { sql: Sql; log: Logger; clientIdPrefix: string; retryMs?: number }) {
    this.#retryMs = options.retryMs ?? RETRY_MS;
    this.#sql = options.sql;
    this.#log = options.log;
    this.#prefix = options.clientIdPrefix;
  }

  /** Reads what earlier runs recorded for this prefix's shard sessions. */
  async load(): Promise<void> {
    const rows = await this.#sql<{ actor_key: string; client_id: string }[]>`
      select actor_key, client_id from actor_subscriptions
      where starts_with(client_id, ${`${this.#prefix}-shard-`})`;
    for (const row of rows) this.#loaded.set(row.actor_key, row.client_id);
  }

  /**
   * Whether, before this start, one of this prefix's shard sessions subscribed `key`'s actor (asked only
   * for actors not subscribed in this run yet): the broker kept what was published for it while no
   * session was connected, and that session's owner (or the drain of a leftover session, stranded.ts)
   * delivers it.
   */
  holds(key: string): boolean {
    return this.#loaded.has(key);
  }

  /** `keys` are now subscribed by `clientId`: written in the background unless recorded so already. */
  note(keys: Iterable<string>, clientId: string): void {
    for (const key of keys) {
      const recorded = this.#loaded.get(key);
      if (recorded !== undefined) this.#loaded.delete(key);
      this.#forgotten.delete(key);
      if (recorded !== clientId) this.#queue.set(key, clientId);
    }
    if (this.#queue.size > 0) this.#schedule(0);
  }

  /** `key`'s actor is removed: its row is deleted (after any write of it in flight). */
  async forget(key: string): Promise<void> {
    this.#loaded.delete(key);
    this.#queue.delete(key);
    this.#forgotten.add(key);
    await this.#flushing;
    await this.#sql`delete from actor_subscriptions where actor_key = ${key}`;
  }

  /** Writes what is queued (a failure leaves the rest for the next start to treat as unrecorded). */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    await this.#flushing;
    try {
      while (this.#queue.size > 0) await this.#flush();
    } catch (error) {
      this.#log.warn("recording shard subscriptions at stop failed", { error, queued: this.#queue.size });
    }
  }

  #schedule(delayMs: number): void {
    if (this.#closed || this.#flushing || this.#retry) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.#flushing = this.#flush()
        .then(() => {
          this.#flushing = undefined;
          if (this.#queue.size > 0) this.#schedule(0);
        }, (error) => {
          this.#flushing = undefined;
          this.#log.warn("recording shard subscriptions failed; retrying", {
            error,
            queued: this.#queue.size,
          });
          this.#schedule(this.#retryMs);
        });
    }, delayMs);
  }

  async #flush(): Promise<void> {
    const entries: [string, string][] = [];
    for (const entry of this.#queue) {
      if (entries.push(entry) === CHUNK) break;
    }
    for (const [key] of entries) this.#queue.delete(key);
    try {
      await this.#sql`
        insert into actor_subscriptions (actor_key, client_id)
        select * from unnest(${typedArray(entries.map((e) => e[0]), "text")}::text[],
          ${typedArray(entries.map((e) => e[1]), "text")}::text[])
        on conflict (actor_key) do update set client_id = excluded.client_id, updated_at = now()`;
    } catch (error) {
      // back in the queue unless noted again or forgotten meanwhile
      for (const [key, clientId] of entries) {
        if (!this.#queue.has(key) && !this.#forgotten.has(key)) this.#queue.set(key, clientId);
      }
      throw error;
    } finally {
      this.#forgotten.clear(); // only a write in flight when they were forgotten could bring them back
    }
  }
}
