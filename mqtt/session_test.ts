import assert from "node:assert/strict";
import { StoreUnavailableError } from "../core/errors.ts";
import { AckQueue } from "./_ack_queue.ts";
import { type InboundMessage, MqttSession } from "./session.ts";
import { freePort, startMosquitto, testBroker, uniqueClientPrefix } from "./testing.ts";

const until = async (check: () => boolean, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 5));
  }
};

function collector(url: string, clientId: string, autoAck = true, clean = false) {
  const received: InboundMessage[] = [];
  const session: MqttSession = new MqttSession({
    url,
    clientId,
    clean,
    onMessage: (m) => {
      received.push(m);
      if (autoAck) session.ack(m.seq);
    },
  });
  session.start();
  return { session, received };
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
  const prefix = uniqueClientPrefix("sess");
  const sub = collector(broker.url, `${prefix}-sub`, true, true);
  const pub = new MqttSession({ url: broker.url, clientId: `${prefix}-pub`, clean: true });
  pub.start();
  try {
    await sub.session.ready(5_000);
    await sub.session.subscribe([`${prefix}/#`]);
    await pub.ready(5_000);
    await Promise.all(Array.from({ length: 200 }, (_, i) => pub.publish(`${prefix}/t`, String(i))));
    await until(() => sub.received.length === 200);
    assert.deepEqual(
      sub.received.map((m) => new TextDecoder().decode(m.payload)),
      Array.from({ length: 200 }, (_, i) => String(i)),
    );
    assert.equal(sub.session.pendingAcks, 0);
  } finally {
    await pub.close();
    await sub.session.close();
    await broker.close();
  }
});

Deno.test("MqttSession holds back a PUBACK until every earlier message is acked: the broker redelivers both", async () => {
  const broker = await testBroker();
  const prefix = uniqueClientPrefix("order");
  const first = collector(broker.url, `${prefix}-sub`, false);
  const pub = new MqttSession({ url: broker.url, clientId: `${prefix}-pub`, clean: true });
  pub.start();
  try {
    await first.session.ready(5_000);
    await first.session.subscribe([`${prefix}/#`]);
    await pub.ready(5_000);
    for (const p of ["a", "b", "c"]) await pub.publish(`${prefix}/t`, p);
    await until(() => first.received.length === 3);
    first.session.ack(first.received[1].seq); // "b" committed, "a" not yet: no PUBACK may leave
    await new Promise((r) => setTimeout(r, 50));
    await first.session.close();
    const again = collector(broker.url, `${prefix}-sub`, true);
    try {
      await until(() => again.received.length >= 3);
      assert.deepEqual(again.received.map((m) => new TextDecoder().decode(m.payload)), ["a", "b", "c"]);
    } finally {
      await again.session.close();
    }
    // clean up the persistent session on a shared broker
    const clean = new MqttSession({ url: broker.url, clientId: `${prefix}-sub`, clean: true });
    clean.start();
    await clean.ready(5_000);
    await clean.close();
  } finally {
    await pub.close();
    await broker.close();
  }
});

Deno.test("MqttSession.pause() stops reading; the broker holds the messages until resume()", async () => {
  const broker = await testBroker();
  const prefix = uniqueClientPrefix("pause");
  const sub = collector(broker.url, `${prefix}-sub`, true, true);
  const pub = new MqttSession({ url: broker.url, clientId: `${prefix}-pub`, clean: true });
  pub.start();
  try {
    await sub.session.ready(5_000);
    await sub.session.subscribe([`${prefix}/#`]);
    await pub.ready(5_000);
    await pub.publish(`${prefix}/t`, "before");
    await until(() => sub.received.length === 1);
    sub.session.pause();
    await Promise.all(Array.from({ length: 20 }, (_, i) => pub.publish(`${prefix}/t`, String(i))));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(sub.received.length, 1, "nothing read while paused");
    sub.session.resume();
    await until(() => sub.received.length === 21);
  } finally {
    await pub.close();
    await sub.session.close();
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
