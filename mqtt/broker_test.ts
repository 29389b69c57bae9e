import assert from "node:assert/strict";
import { createLogger, silentLogger } from "../core/log.ts";
import { StoreUnavailableError } from "../core/errors.ts";
import { startEmbeddedBroker } from "./broker.ts";
import { MqttSession } from "./session.ts";

async function listening(port: number): Promise<boolean> {
  try {
    (await Deno.connect({ hostname: "127.0.0.1", port })).close();
    return true;
  } catch {
    return false;
  }
}

Deno.test({
  name: "startEmbeddedBroker() without a port takes a free one when 1883 is in use, and says so",
  // Only meaningful where something (the shared Mosquitto) holds 1883; a test never binds 1883 itself.
  ignore: !(await listening(1883)),
}, async () => {
  const lines: string[] = [];
  const broker = await startEmbeddedBroker({ log: createLogger({ write: (l) => lines.push(l) }) });
  try {
    assert.notEqual(broker.port, 1883);
    assert.ok(lines.some((l) => l.includes("1883 is in use")));
    const session = new MqttSession({ url: broker.url, clientId: "probe", clean: true });
    session.start();
    await session.ready(5_000);
    await session.close();
  } finally {
    await broker.close();
  }
});

Deno.test("startEmbeddedBroker() with an explicit port that is taken fails with StoreUnavailableError", async () => {
  const first = await startEmbeddedBroker({ port: 0, log: silentLogger });
  try {
    await assert.rejects(startEmbeddedBroker({ port: first.port, log: silentLogger }), StoreUnavailableError);
  } finally {
    await first.close();
  }
});
