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
 * unknown actor is acknowledged (the catch-all session holds its own copy). Deleting the session (a clean
 * connect) discards whatever it still holds, so it is deleted only after a connection that received
 * nothing at all for `idleMs` after the broker accepted it and its topics were unsubscribed: the broker
 * sends a session's queued messages right after it accepts the connection. (The idle time counts from
 * then, not from before connecting: a connection slower than `idleMs`, as on a loaded machine, must not
 * count as a quiet one.) Every id below `upTo` (the largest count recorded, settings `runtime.shard_layouts`)
 * is probed, whether or not the broker has a session for the ids before it: a shard without actors may
 * have left none (aedes keeps no session without subscriptions), and stopping there lost the next
 * shard's messages. Past `upTo` (sessions from before the count was recorded) probing stops at the first
 * id the broker has no session for. A session that does not go quiet in time is left for the next start,
 * not deleted.
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
  /** Ids below this are all probed (the largest shard count recorded); past it, up to the first absent. */
  upTo?: number;
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

/** What {@linkcode drainStrandedShards} did. */
export interface StrandedOutcome {
  drained: number;
  /** Sessions that did not go quiet in time (left for the next start). */
  incomplete: number;
}

/** Drains and deletes leftover shard sessions. */
export async function drainStrandedShards(options: StrandedOptions): Promise<StrandedOutcome> {
  const outcome: StrandedOutcome = { drained: 0, incomplete: 0 };
  for (let n = options.shards; !options.signal?.aborted; n++) {
    const state = await drainOne(options, `${options.clientIdPrefix}-shard-${n}`);
    if (state === "absent" && n >= (options.upTo ?? 0)) break;
    if (state === "drained") outcome.drained++;
    if (state === "incomplete") outcome.incomplete++;
  }
  return outcome;
}

async function drainOne(o: StrandedOptions, clientId: string): Promise<"absent" | "drained" | "incomplete"> {
  const deadline = Date.now() + (o.maxMs ?? 60_000);
  let republished = 0;
  for (let pass = 0;; pass++) {
    const outcome = await drainPass(o, clientId, pass === 0, deadline);
    republished += outcome.republished;
    if (outcome.state === "absent" && pass === 0) return "absent";
    if (outcome.state === "incomplete" || o.signal?.aborted) {
      o.log.warn("leftover shard session not drained", { clientId, republished });
      return "incomplete";
    }
    // A pass that received nothing at all proves the session empty (and one the broker no longer has is).
    if (outcome.received === 0) break;
  }
  await deleteSession(o.url, clientId);
  o.log.warn("leftover shard session drained and deleted", { clientId, republished });
  return "drained";
}

/** One connection to a leftover session: what it received and published again, until quiet. */
async function drainPass(
  o: StrandedOptions,
  clientId: string,
  first: boolean,
  deadline: number,
): Promise<{ state: "absent" | "quiet" | "incomplete"; received: number; republished: number }> {
  const idleMs = o.idleMs ?? 1000;
  let lastAt = Date.now();
  let pending = 0;
  let received = 0;
  let republished = 0;
  const session: MqttSession = new MqttSession({
    url: o.url,
    clientId,
    log: o.log,
    ackDelayMs: 5,
    onMessage: (message) => {
      lastAt = Date.now();
      received++;
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
    if (first) await deleteSession(o.url, clientId); // this connect created an empty session
    return { state: "absent", received, republished };
  }
  if (first) {
    o.log.warn("draining a shard session left over from a larger SHARDS", { clientId, shards: o.shards });
    await session.unsubscribe(o.topics());
  }
  // Quiet from now on: connecting and unsubscribing may take longer than idleMs on a loaded machine.
  lastAt = Date.now();
  const quiet = () => pending === 0 && Date.now() - lastAt >= idleMs;
  while (!quiet() && Date.now() < deadline && !o.signal?.aborted) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const state = quiet() ? "quiet" : "incomplete";
  await session.close(); // sends the released PUBACKs first
  return { state, received, republished };
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
