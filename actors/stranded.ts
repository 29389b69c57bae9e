/**
 * Shard sessions left over from a larger `SHARDS`. Shard sessions are persistent (`{prefix}-shard-{n}`),
 * so after a restart with fewer shards the sessions `n >= SHARDS` still hold what devices published
 * while GridPulse was down, and, subscribed as they were, keep collecting it. Nothing would read them
 * again. (A smaller `n` is reused by the new layout: its shard publishes a message for an actor it no
 * longer owns again, host.ts `#republish`.)
 *
 * Once the new shards are subscribed, each leftover session is drained: its actors' topics are
 * unsubscribed, every queued message of a registered actor is published again at QoS 1 (so it reaches
 * the session that owns the actor now) and acknowledged once the broker has the copy; a message of an
 * unknown actor is acknowledged (the catch-all session holds its own copy); then the session is deleted
 * with a clean connect. Probing stops at the first id the broker has no session for. A session that does
 * not go quiet in time is left for the next start, not deleted.
 * @module
 */
import type { Logger } from "../core/log.ts";
import { MqttSession } from "../mqtt/session.ts";

const CONNECT_TIMEOUT_MS = 10_000;

/** Options for {@linkcode drainStrandedShards}. */
export interface StrandedOptions {
  url: string;
  clientIdPrefix: string;
  /** The current shard count: leftover sessions are `{prefix}-shard-{shards}` and up. */
  shards: number;
  /** Every topic filter of every registered actor (what an old shard may have subscribed). */
  topics(): string[];
  /** Whether `topic` belongs to a registered actor. */
  isKnown(topic: string): boolean;
  log: Logger;
  /** Drained once nothing arrived for this long. @default {1000} */
  idleMs?: number;
  /** Give up on one session after this long (it stays for the next start). @default {60000} */
  maxMs?: number;
  /** Stop early (the runtime stops). */
  signal?: AbortSignal;
}

/** Drains and deletes leftover shard sessions; resolves with how many were drained. */
export async function drainStrandedShards(options: StrandedOptions): Promise<number> {
  let drained = 0;
  for (let n = options.shards; !options.signal?.aborted; n++) {
    const outcome = await drainOne(options, `${options.clientIdPrefix}-shard-${n}`);
    if (outcome === "absent") break;
    if (outcome === "drained") drained++;
  }
  return drained;
}

async function drainOne(o: StrandedOptions, clientId: string): Promise<"absent" | "drained" | "incomplete"> {
  const idleMs = o.idleMs ?? 1000;
  let lastAt = Date.now();
  let pending = 0;
  let republished = 0;
  const session: MqttSession = new MqttSession({
    url: o.url,
    clientId,
    log: o.log,
    ackDelayMs: 5,
    onMessage: (message) => {
      lastAt = Date.now();
      if (!o.isKnown(message.topic)) return session.ack(message.seq);
      pending++;
      session.publish(message.topic, message.payload, { qos: 1 }).then(
        () => (republished++, session.ack(message.seq)),
        // Closing: unacknowledged, it stays in the session for the next start.
        (error) => o.log.warn("publishing a leftover shard's message again failed", { clientId, error }),
      ).finally(() => pending--);
    },
  });
  session.start();
  try {
    await session.ready(CONNECT_TIMEOUT_MS);
  } catch (error) {
    await session.close();
    throw error;
  }
  if (!session.sessionPresent) {
    await session.close();
    await deleteSession(o.url, clientId); // this connect created an empty session
    return "absent";
  }
  o.log.warn("draining a shard session left over from a larger SHARDS", { clientId, shards: o.shards });
  await session.unsubscribe(o.topics());
  const deadline = Date.now() + (o.maxMs ?? 60_000);
  const quiet = () => pending === 0 && Date.now() - lastAt >= idleMs;
  while (!quiet() && Date.now() < deadline && !o.signal?.aborted) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const complete = quiet();
  await session.close(); // sends the released PUBACKs first
  if (complete) await deleteSession(o.url, clientId);
  o.log.warn(complete ? "leftover shard session drained and deleted" : "leftover shard session not drained", {
    clientId,
    republished,
  });
  return complete ? "drained" : "incomplete";
}

/** Deletes a persistent session: a clean connect discards it, and the broker keeps nothing after it. */
async function deleteSession(url: string, clientId: string): Promise<void> {
  const session = new MqttSession({ url, clientId, clean: true });
  session.start();
  try {
    await session.ready(CONNECT_TIMEOUT_MS);
  } finally {
    await session.close();
  }
}
