import assert from "node:assert/strict";
import { MqttSession } from "../mqtt/session.ts";
import { startEmbeddedBroker } from "../mqtt/broker.ts";
import { uniqueClientPrefix } from "../mqtt/testing.ts";
import { silentLogger } from "../core/log.ts";
import { drainStrandedShards } from "./stranded.ts";
import { waitFor } from "./runtime_testing.ts";

const KNOWN = "gridpulse/plants/known/telemetry";
const UNKNOWN = "gridpulse/plants/unknown/telemetry";

async function connect(url: string, clientId: string, onMessage?: (topic: string, text: string) => void) {
  const session: MqttSession = new MqttSession({
    url,
    clientId,
    onMessage: (m) => {
      onMessage?.(m.topic, new TextDecoder().decode(m.payload));
      session.ack(m.seq);
    },
  });
  session.start();
  await session.ready(5_000);
  return session;
}

/** Whether the broker still has a session for `clientId` (the probe leaves it as it found it, or empty). */
async function sessionPresent(url: string, clientId: string): Promise<boolean> {
  const probe = await connect(url, clientId);
  const present = probe.sessionPresent;
  await probe.close();
  if (!present) {
    const clean = new MqttSession({ url, clientId, clean: true });
    clean.start();
    await clean.ready(5_000);
    await clean.close();
  }
  return present;
}

/**
 * A leftover shard session `{prefix}-shard-{shard}` holding `count` messages for the known topic and one for an
 * unknown one, and the session that owns the known topic now, collecting what reaches it.
 */
async function leftover(url: string, prefix: string, count: number, shard = 2) {
  const old = await connect(url, `${prefix}-shard-${shard}`);
  await old.subscribe([KNOWN, UNKNOWN]);
  await old.close(); // persistent: the broker queues for it from now on
  const received: string[] = [];
  const owner = await connect(
    url,
    `${prefix}-shard-0`,
    (topic, text) => topic === KNOWN && received.push(text),
  );
  await owner.subscribe([KNOWN]);
  const device = new MqttSession({ url, clientId: `${prefix}-device`, clean: true });
  device.start();
  await device.ready(5_000);
  for (let i = 0; i < count; i++) await device.publish(KNOWN, `reading ${i}`);
  await device.publish(UNKNOWN, "who?");
  await device.close();
  // the device's copies went to the owner directly; only the leftover session's copies are republished
  await waitFor(() => Promise.resolve(received.length === count), "the owner's own copies");
  received.length = 0;
  return { owner, received };
}

/** SHARDS is 2 now; the known topic belongs to a registered actor. */
const drainOptions = (url: string, clientIdPrefix: string) => ({
  url,
  clientIdPrefix,
  shards: 2,
  topics: () => [KNOWN],
  isKnown: (topic: string) => topic === KNOWN,
  log: silentLogger,
  idleMs: 200,
});

/**
 * Runs `drain` against a private broker holding a leftover session `{prefix}-shard-{shard}` with `count`
 * messages (see {@linkcode leftover}), then checks that every one reached the owner at least once (aedes
 * may close the connection over a message published again while the session is still subscribed to its
 * topic, and then delivers it again) and that the broker keeps no session for `gone`.
 */
async function drainLeftover(
  count: number,
  shard: number,
  gone: number[],
  drain: (url: string, prefix: string) => Promise<void>,
): Promise<void> {
  const broker = await startEmbeddedBroker({ port: 0, log: silentLogger });
  const prefix = uniqueClientPrefix("stranded");
  try {
    const { owner, received } = await leftover(broker.url, prefix, count, shard);
    try {
      await drain(broker.url, prefix);
      await waitFor(() => Promise.resolve(new Set(received).size === count), "the republished messages");
      assert.deepEqual(
        [...new Set(received)].sort(),
        Array.from({ length: count }, (_, i) => `reading ${i}`).sort(),
      );
      for (const n of gone) {
        assert.equal(
          await sessionPresent(broker.url, `${prefix}-shard-${n}`),
          false,
          `shard ${n} left behind`,
        );
      }
    } finally {
      await owner.close();
    }
  } finally {
    await broker.close();
  }
}

Deno.test("drainStrandedShards() publishes a leftover shard's queued messages again and only then deletes it", async () => {
  // shard 3: the probe past the last leftover session leaves nothing behind
  await drainLeftover(5, 2, [2, 3], async (url, prefix) => {
    assert.deepEqual(await drainStrandedShards(drainOptions(url, prefix)), { drained: 1, incomplete: 0 });
  });
});

Deno.test("drainStrandedShards() probes every id below the recorded shard count, past ids without a session", async () => {
  // SHARDS was 4 and is 2 now; shard 2 had no actors, so the broker has no session for it (aedes keeps
  // none without subscriptions), while shard 3 holds what was published during the restart.
  await drainLeftover(3, 3, [3, 2], async (url, prefix) => {
    assert.deepEqual(await drainStrandedShards({ ...drainOptions(url, prefix), upTo: 4 }), {
      drained: 1,
      incomplete: 0,
    });
  });
});
