import assert from "node:assert/strict";
import { MqttSession } from "./session.ts";
import { startMosquitto, uniqueClientPrefix } from "./testing.ts";

/** Messages a persistent session gets after `count` were published while it was away. */
async function deliveredAfterAbsence(extraConfig: string[], count: number): Promise<number> {
  const broker = await startMosquitto({ extraConfig });
  const prefix = uniqueClientPrefix("conf");
  try {
    let got = 0;
    const away = new MqttSession({ url: broker.url, clientId: `${prefix}-sub` });
    away.start();
    await away.ready(5_000);
    await away.subscribe([`${prefix}/#`]);
    await away.close();
    const pub = new MqttSession({ url: broker.url, clientId: `${prefix}-pub`, clean: true });
    pub.start();
    await pub.ready(5_000);
    await Promise.all(Array.from({ length: count }, (_, i) => pub.publish(`${prefix}/t`, String(i))));
    await pub.close();
    const back: MqttSession = new MqttSession({
      url: broker.url,
      clientId: `${prefix}-sub`,
      onMessage: (m) => (got++, back.ack(m.seq)),
    });
    back.start();
    await back.ready(5_000);
    let last = -1;
    while (got !== last) {
      last = got;
      await new Promise((r) => setTimeout(r, 200));
    }
    await back.close();
    return got;
  } finally {
    await broker.close();
  }
}

Deno.test("mosquitto.test.conf keeps every queued QoS 1 message where Mosquitto's stock limits drop them", async () => {
  const stock = await deliveredAfterAbsence(["max_queued_messages 1000", "max_inflight_messages 20"], 3000);
  assert.ok(stock < 3000, `stock limits should drop messages, got ${stock}`);
  assert.equal(await deliveredAfterAbsence([], 3000), 3000);
});

Deno.test("mosquitto.conf and mosquitto.test.conf leave Nagle on (set_tcp_nodelay false), as the bench measured them", async () => {
  for (const name of ["mosquitto.conf", "mosquitto.test.conf"]) {
    const text = await Deno.readTextFile(new URL(`./${name}`, import.meta.url));
    const settings = text.split("\n").filter((line) => line.startsWith("set_tcp_nodelay"));
    assert.deepEqual(settings, ["set_tcp_nodelay false"], name);
  }
});
