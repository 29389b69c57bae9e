import assert from "node:assert/strict";
import { FakeMqtt } from "../api/testing.ts";
import { silentLogger } from "../core/log.ts";
import { loadConfig } from "../core/config.ts";
import { startGridPulse } from "../core/boot.ts";
import { parseLine, startTcpListener } from "./tcp_listener.ts";

const plantTopic = (id: string) => `gridpulse/plants/${id}/telemetry`;
const PLANT = "4b43d601-1e84-478e-a1d2-93a4962e2e0e";

/** Sends `text`, then reads answers until `lines` of them arrived. */
async function exchange(port: number, text: string, lines: number): Promise<string[]> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(new TextEncoder().encode(text));
    await conn.closeWrite(); // the end of the last line, newline or not
    let got = "";
    const buf = new Uint8Array(4096);
    while (got.split("\n").length - 1 < lines) {
      const n = await conn.read(buf);
      if (n === null) break;
      got += new TextDecoder().decode(buf.subarray(0, n));
    }
    return got.split("\n").filter((l) => l !== "");
  } finally {
    conn.close();
  }
}

Deno.test("parseLine() takes a topic GridPulse consumes and a payload, and says what is wrong otherwise", () => {
  assert.deepEqual(parseLine(JSON.stringify({ topic: plantTopic(PLANT), payload: { ts: 1, mw: 2 } })), {
    topic: plantTopic(PLANT),
    payload: '{"ts":1,"mw":2}',
  });
  assert.deepEqual(parseLine(`{"topic":"${plantTopic(PLANT)}","payload":"raw text"}`), {
    topic: plantTopic(PLANT),
    payload: "raw text",
  });
  assert.deepEqual(parseLine("{nope"), { error: "not JSON" });
  assert.deepEqual(parseLine("[1]"), { error: 'expected {"topic": ..., "payload": ...}' });
  assert.deepEqual(parseLine('{"topic":"a/b","payload":{}}'), { error: 'GridPulse consumes no topic "a/b"' });
  assert.deepEqual(parseLine(`{"topic":"${plantTopic(PLANT)}"}`), { error: "payload is missing" });
});

Deno.test("the TCP listener answers every line in order once the broker has it, and refuses what it cannot take", async () => {
  const mqtt = new FakeMqtt();
  const tcp = startTcpListener({
    port: 0,
    hostname: "127.0.0.1",
    publisher: mqtt,
    log: silentLogger,
    maxLineBytes: 200,
  });
  try {
    const good = (mw: number) => JSON.stringify({ topic: plantTopic(PLANT), payload: { ts: 1, mw } });
    const answers = await exchange(
      tcp.port,
      [good(1), "not json", good(2), `{"topic":"x","payload":1}`, "", "x".repeat(300), good(3)].join("\n") +
        "\n" + good(4), // the last line has no newline: taken when the client stops sending
      7,
    );
    assert.deepEqual(answers, [
      "ok",
      "error not JSON",
      "ok",
      'error GridPulse consumes no topic "x"',
      "error line longer than 200 bytes",
      "ok",
      "ok",
    ]);
    assert.deepEqual(mqtt.published.map((p) => [p.topic, p.payload, p.options?.qos]), [
      [plantTopic(PLANT), '{"ts":1,"mw":1}', 1],
      [plantTopic(PLANT), '{"ts":1,"mw":2}', 1],
      [plantTopic(PLANT), '{"ts":1,"mw":3}', 1],
      [plantTopic(PLANT), '{"ts":1,"mw":4}', 1],
    ]);
    mqtt.fail = true;
    assert.deepEqual(await exchange(tcp.port, good(5) + "\n", 1), [
      "error the broker did not take it; send it again",
    ]);
    const stats = tcp.stats();
    assert.equal(stats.published, 4);
    assert.equal(stats.refused, 4);
  } finally {
    await tcp.close();
  }
});

Deno.test("a connection with maxInFlight lines awaiting the broker is read no further until they are answered", async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let calls = 0;
  const slow = { ...new FakeMqtt(), publish: () => (calls++, gate) } as unknown as FakeMqtt;
  const tcp = startTcpListener({
    port: 0,
    hostname: "127.0.0.1",
    publisher: slow,
    log: silentLogger,
    maxInFlight: 3,
  });
  try {
    const line = new TextEncoder().encode(
      JSON.stringify({ topic: plantTopic(PLANT), payload: { ts: 1, mw: 1 } }) + "\n",
    );
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: tcp.port });
    try {
      for (let i = 0; i < 10; i++) { // a line per read
        await conn.write(line);
        await new Promise((r) => setTimeout(r, 30));
      }
      assert.equal(calls, 3, "three lines taken, the rest left unread while none is answered");
      release();
      let got = "";
      const buf = new Uint8Array(1024);
      while (got.split("\n").length - 1 < 10) {
        const n = await conn.read(buf);
        if (n === null) break;
        got += new TextDecoder().decode(buf.subarray(0, n));
      }
      assert.deepEqual(got.split("\n").filter(Boolean), Array(10).fill("ok"));
    } finally {
      release();
      conn.close();
    }
  } finally {
    await tcp.close();
  }
});

Deno.test("close() ends while the broker never acknowledges: the waiting lines get no answer and are sent again", async () => {
  const down = { ...new FakeMqtt(), publish: () => new Promise<void>(() => {}) } as unknown as FakeMqtt;
  const tcp = startTcpListener({
    port: 0,
    hostname: "127.0.0.1",
    publisher: down,
    log: silentLogger,
    maxInFlight: 2,
  });
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: tcp.port });
  try {
    const line = JSON.stringify({ topic: plantTopic(PLANT), payload: { ts: 1, mw: 1 } }) + "\n";
    await conn.write(new TextEncoder().encode(line.repeat(5)));
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await tcp.close();
    assert.ok(Date.now() - started < 4_000, `close() took ${Date.now() - started} ms`);
    assert.equal(await conn.read(new Uint8Array(64)), null, "closed without an answer");
  } finally {
    try {
      conn.close();
    } catch { /* closed */ }
  }
});

Deno.test({
  name: "TCP_PORT: a line sent to GridPulse on its embedded defaults is stored like an MQTT message",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const dataDir = await Deno.makeTempDir({ prefix: "gridpulse-tcp-" });
    const running = await startGridPulse(
      loadConfig({
        PORT: "0",
        HOST: "127.0.0.1",
        DATA_DIR: dataDir,
        SIMULATE: "off",
        TCP_PORT: "0",
        LOG_LEVEL: "warn",
      }),
      { log: silentLogger, print: () => {} },
    );
    try {
      const { sql, tcp } = running.services;
      assert.ok(tcp, "the listener runs");
      const [plant] = await sql<{ id: string }[]>`select id from plants where active order by name limit 1`;
      const port = tcp.port;
      const ts = new Date().toISOString();
      const answers = await exchange(
        port,
        JSON.stringify({ topic: plantTopic(plant.id), payload: { ts, mw: 12.5 } }) + "\n",
        1,
      );
      assert.deepEqual(answers, ["ok"]);
      const deadline = Date.now() + 15_000;
      while (
        (await sql`select 1 from meter_readings where plant_id = ${plant.id} and ts = ${ts} and value = 12.5`)
          .length === 0
      ) {
        assert.ok(Date.now() < deadline, "the reading was not stored");
        await new Promise((r) => setTimeout(r, 100));
      }
      const metrics = await (await fetch(`${running.url}/metrics`)).text();
      assert.match(metrics, /^gridpulse_tcp_lines_total\{result="published"\} 1$/m);
    } finally {
      await running.stop();
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    }
  },
});
