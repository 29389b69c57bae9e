import assert from "node:assert/strict";
import { silentLogger } from "../core/log.ts";
import { StoreUnavailableError } from "../core/errors.ts";
import { createMqttPublisher } from "./publisher.ts";
import { MqttSession } from "./session.ts";
import { freePort } from "../core/local_process.ts";
import { testBroker, uniqueClientPrefix } from "./testing.ts";

Deno.test("createMqttPublisher() publishes JSON with QoS 1 and reports its state in check()", async () => {
  const broker = await testBroker();
  const prefix = uniqueClientPrefix("pub");
  const received: string[] = [];
  const sub: MqttSession = new MqttSession({
    url: broker.url,
    clientId: `${prefix}-sub`,
    clean: true,
    onMessage: (m) => (received.push(new TextDecoder().decode(m.payload)), sub.ack(m.seq)),
  });
  sub.start();
  const mqtt = await createMqttPublisher({ url: broker.url, backend: "external", log: silentLogger });
  try {
    await sub.ready(5_000);
    await sub.subscribe([`${prefix}/#`]);
    await mqtt.publish(`${prefix}/events`, { eventId: "e1", signal: 2 });
    const deadline = Date.now() + 5_000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(received.map((r) => JSON.parse(r)), [{ eventId: "e1", signal: 2 }]);
    const status = await mqtt.check();
    assert.deepEqual([status.store, status.state, status.required], ["mqtt", "up", true]);
  } finally {
    await mqtt.close();
    await sub.close();
    await broker.close();
  }
  assert.equal((await mqtt.check()).state, "down");
});

Deno.test("createMqttPublisher() fails with StoreUnavailableError when no broker answers", async () => {
  await assert.rejects(
    createMqttPublisher({
      url: `mqtt://127.0.0.1:${freePort()}`,
      backend: "external",
      log: silentLogger,
      connectTimeoutMs: 200,
    }),
    StoreUnavailableError,
  );
});
