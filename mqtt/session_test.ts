import assert from "node:assert/strict";
import { StoreUnavailableError } from "../core/errors.ts";
import { AckQueue } from "./_ack_queue.ts";
import { type InboundMessage, MqttSession } from "./session.ts";
import { freePort } from "../core/local_process.ts";
import { startMosquitto, testBroker, uniqueClientPrefix } from "./testing.ts";

const until = async (check: () => boolean, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 5));
  }
};

const text = (m: InboundMessage) => new TextDecoder().decode(m.payload);

/** A started session that records what it receives (and acks at once when `autoAck`). */
function collector(url: string, clientId: string, options: { autoAck?: boolean; clean?: boolean } = {}) {
  const received: InboundMessage[] = [];
  const session: MqttSession = new MqttSession({
    url,
    clientId,
    clean: options.clean ?? false,
    onMessage: (m) => {
      received.push(m);
      if (options.autoAck ?? true) session.ack(m.seq);
    },
  });
  session.start();
  return { session, received };
}

/** A subscriber on `{prefix}/#` and a publisher, on `url`; `close()` also forgets the subscriber's session. */
async function pair(url: string, name: string, subscriber: { autoAck?: boolean; clean?: boolean } = {}) {
  const prefix = uniqueClientPrefix(name);
  const sub = collector(url, `${prefix}-sub`, subscriber);
  const pub = new MqttSession({ url, clientId: `${prefix}-pub`, clean: true });
  pub.start();
  await sub.session.ready(5_000);
  await sub.session.subscribe([`${prefix}/#`]);
  await pub.ready(5_000);
  return {
    prefix,
    sub,
    pub,
    topic: `${prefix}/t`,
    async close() {
      await pub.close();
      await sub.session.close();
      const forget = new MqttSession({ url, clientId: `${prefix}-sub`, clean: true }); // shared broker hygiene
      forget.start();
      await forget.ready(5_000);
      await forget.close();
    },
  };
}

Deno.test("AckQueue.ack() releases packet ids only in arrival order", () => {
  const q = new AckQueue(1);
  const [a, b, c] = [q.push(10), q.push(11), q.push(12)];
  const out: number[] = [];
  q.ack(b, out);
  q.ack(c, out);
  assert.deepEqual(out, [], "a later ack waits for the earlier one");
  q.ack(a, out);
  assert.deepEqual(out, [10, 11, 12]);
  q.ack(a, out);
  assert.deepEqual(out, [10, 11, 12], "acking twice is harmless");
  assert.equal(q.size, 0);
});

Deno.test("AckQueue.ack() ignores sequence numbers of an earlier connection", () => {
  const q = new AckQueue(100);
  const out: number[] = [];
  q.ack(5, out);
  assert.equal(q.push(1), 100);
  q.ack(100, out);
  assert.deepEqual(out, [1]);
});

Deno.test("MqttSession delivers QoS 1 messages and publish() resolves on PUBACK", async () => {
  const broker = await testBroker();
  const p = await pair(broker.url, "sess", { clean: true });
  try {
    await Promise.all(Array.from({ length: 200 }, (_, i) => p.pub.publish(p.topic, String(i))));
    await until(() => p.sub.received.length === 200);
    assert.deepEqual(p.sub.received.map(text), Array.from({ length: 200 }, (_, i) => String(i)));
    assert.equal(p.sub.session.pendingAcks, 0);
  } finally {
    await p.close();
    await broker.close();
  }
});

Deno.test("MqttSession holds back a PUBACK until every earlier message is acked: the broker redelivers both", async () => {
  const broker = await testBroker();
  const p = await pair(broker.url, "order", { autoAck: false });
  try {
    for (const payload of ["a", "b", "c"]) await p.pub.publish(p.topic, payload);
    await until(() => p.sub.received.length === 3);
    p.sub.session.ack(p.sub.received[1].seq); // "b" committed, "a" not yet: no PUBACK may leave
    await new Promise((r) => setTimeout(r, 50));
    await p.sub.session.close();
    const again = collector(broker.url, `${p.prefix}-sub`);
    try {
      await until(() => again.received.length >= 3);
      assert.deepEqual(again.received.map(text), ["a", "b", "c"]);
    } finally {
      await again.session.close();
    }
  } finally {
    await p.close();
    await broker.close();
  }
});

Deno.test("MqttSession.pause() stops reading; the broker holds the messages until resume()", async () => {
  const broker = await testBroker();
  const p = await pair(broker.url, "pause", { clean: true });
  try {
    await p.pub.publish(p.topic, "before");
    await until(() => p.sub.received.length === 1);
    p.sub.session.pause();
    await Promise.all(Array.from({ length: 20 }, (_, i) => p.pub.publish(p.topic, String(i))));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(p.sub.received.length, 1, "nothing read while paused");
    p.sub.session.resume();
    await until(() => p.sub.received.length === 21);
  } finally {
    await p.close();
    await broker.close();
  }
});

Deno.test("MqttSession reconnects after a broker restart and gets what was queued meanwhile", async () => {
  const broker = await startMosquitto({ persistence: true });
  const prefix = uniqueClientPrefix("restart");
  const sub = collector(broker.url, `${prefix}-sub`);
  try {
    await sub.session.ready(5_000);
    await sub.session.subscribe([`${prefix}/#`]);
    await broker.stop();
    await until(() => sub.session.state !== "connected");
    await broker.start();
    const pub = new MqttSession({ url: broker.url, clientId: `${prefix}-pub`, clean: true });
    pub.start();
    await pub.ready(5_000);
    await Promise.all(Array.from({ length: 50 }, (_, i) => pub.publish(`${prefix}/t`, String(i))));
    await pub.close();
    await until(() => sub.received.length === 50, 10_000);
    assert.equal(sub.session.state, "connected");
  } finally {
    await sub.session.close();
    await broker.close();
  }
});

Deno.test("MqttSession.ready() rejects with StoreUnavailableError when no broker answers", async () => {
  const session = new MqttSession({
    url: `mqtt://127.0.0.1:${freePort()}`,
    clientId: "nobody",
    reconnect: { minDelayMs: 20, maxDelayMs: 50 },
  });
  session.start();
  await assert.rejects(session.ready(300), StoreUnavailableError);
  await session.close();
  assert.equal(session.state, "closed");
});
