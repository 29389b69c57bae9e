import assert from "node:assert/strict";
import { FlagError, parseBenchFlags, SECTIONS } from "./flags.ts";

Deno.test("parseBenchFlags() gives the full defaults without flags", () => {
  const o = parseBenchFlags([]);
  assert.deepEqual(o.quick, false);
  assert.deepEqual(o.durationS, 30);
  assert.deepEqual(o.plants, 1_000);
  assert.deepEqual(o.actorScales, [10_000, 100_000]);
  assert.deepEqual(o.sections, [...SECTIONS]);
  assert.deepEqual(o.rate, 0);
});

Deno.test("parseBenchFlags() --quick shortens the defaults but keeps explicit flags", () => {
  const o = parseBenchFlags(["--quick", "--duration", "9"]);
  assert.deepEqual(o.quick, true);
  assert.deepEqual(o.durationS, 9);
  assert.deepEqual(o.actorScales, [10_000]);
  assert.deepEqual(o.apiDurationS, 1);
  assert.deepEqual(o.alertDurationS, 3);
});

Deno.test("parseBenchFlags() reads numbers with separators and lists", () => {
  const o = parseBenchFlags(["--plants", "10_000", "--actors", "1000, 5000", "--rate=2500"]);
  assert.deepEqual(o.plants, 10_000);
  assert.deepEqual(o.actorScales, [1_000, 5_000]);
  assert.deepEqual(o.rate, 2_500);
});

Deno.test("parseBenchFlags() --only keeps the run order whatever the order given", () => {
  assert.deepEqual(parseBenchFlags(["--only", "api,raw"]).sections, ["raw", "api"]);
});

Deno.test("parseBenchFlags() picks the broker from MQTT_URL unless --broker says", () => {
  assert.deepEqual(parseBenchFlags([], {}).broker, "aedes");
  assert.deepEqual(parseBenchFlags([], { MQTT_URL: "mqtt://127.0.0.1:1883" }).broker, "mosquitto");
  assert.deepEqual(parseBenchFlags(["--broker", "aedes"], { MQTT_URL: "mqtt://x:1" }).broker, "aedes");
});

Deno.test("parseBenchFlags() rejects malformed flags with the flag's name", () => {
  assert.throws(() => parseBenchFlags(["--plants", "0"]), { name: "FlagError", message: /--plants/ });
  assert.throws(() => parseBenchFlags(["--duration", "1.5"]), { name: "FlagError", message: /--duration/ });
  assert.throws(() => parseBenchFlags(["--only", "raw,nope"]), { name: "FlagError", message: /nope/ });
  assert.throws(() => parseBenchFlags(["--broker", "emqx"]), { name: "FlagError", message: /--broker/ });
  assert.throws(() => parseBenchFlags(["--bogus"]), FlagError);
});
