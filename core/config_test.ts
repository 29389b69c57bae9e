import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "./config.ts";

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail("expected a ConfigError");
}

Deno.test("loadConfig() gives the embedded defaults for an empty environment", () => {
  const c = loadConfig({});
  assert.equal(c.port, 8000);
  assert.equal(c.dataDir, "./data");
  assert.equal(c.postgres.url, undefined);
  assert.equal(c.redis.url, undefined);
  assert.equal(c.mqtt.url, undefined);
  assert.equal(c.mqtt.embeddedPort, undefined);
  assert.equal(c.mqtt.catchAll, true);
  assert.equal(c.influx, undefined);
  assert.equal(c.mongo.db, "gridpulse");
  assert.equal(c.simulate, true);
  assert.equal(c.workers, 2);
  assert.equal(c.shards, 64);
});

Deno.test("loadConfig() turns the simulator off by default when external services are configured", () => {
  assert.equal(loadConfig({ DATABASE_URL: "postgres://h/db" }).simulate, false);
  assert.equal(loadConfig({ DATABASE_URL: "postgres://h/db", SIMULATE: "on" }).simulate, true);
});

Deno.test("loadConfig() reads MQTT_CATCH_ALL as on or off", () => {
  assert.equal(loadConfig({ MQTT_CATCH_ALL: "off" }).mqtt.catchAll, false);
  assert.equal(loadConfig({ MQTT_CATCH_ALL: "ON" }).mqtt.catchAll, true);
});

Deno.test("loadConfig() treats empty values as unset", () => {
  assert.equal(loadConfig({ DATABASE_URL: "", PORT: " " }).port, 8000);
});

const BAD: Array<[Record<string, string>, RegExp]> = [
  [{ PORT: "abc" }, /^PORT: must be a number \(got "abc"\)$/],
  [{ PORT: "70000" }, /^PORT: must be 0-65535/],
  [{ PORT: "80.5" }, /^PORT: must be a whole number/],
  [
    { DATABASE_URL: "mysql://x/y" },
    /^DATABASE_URL: must be a URL starting with postgres:\/\/ or postgresql:\/\//,
  ],
  [{ MONGO_URL: "http://x" }, /^MONGO_URL: must be a URL starting with mongodb:\/\//],
  [{ MONGO_DB: "bad name!" }, /^MONGO_DB: must be a MongoDB database name/],
  [{ REDIS_URL: "localhost:6379" }, /^REDIS_URL: must be a URL starting with redis:\/\//],
  [{ MQTT_URL: "ws://x" }, /^MQTT_URL: must be a URL starting with mqtt:\/\/ or tcp:\/\//],
  [{ MQTT_EMBEDDED_PORT: "-1" }, /^MQTT_EMBEDDED_PORT: must be 0-65535/],
  [
    { INFLUX_URL: "ftp://x", INFLUX_TOKEN: "t", INFLUX_ORG: "o", INFLUX_BUCKET: "b" },
    /^INFLUX_URL: must be a URL starting with http:\/\//,
  ],
  [{ ADMIN_PASSWORD: "short" }, /^ADMIN_PASSWORD: must be at least 8 characters/],
  [{ JWT_SECRET: "short" }, /^JWT_SECRET: must be at least 32 characters/],
  [{ SIMULATE: "maybe" }, /^SIMULATE: must be on or off/],
  [{ MQTT_CATCH_ALL: "sometimes" }, /^MQTT_CATCH_ALL: must be on or off/],
  [{ SIMULATE_RATE: "0" }, /^SIMULATE_RATE: must be positive/],
  [{ WORKERS: "0" }, /^WORKERS: must be positive/],
  [{ SHARDS: "100000" }, /^SHARDS: must be at most 4096/],
  [{ LOG_LEVEL: "loud" }, /^LOG_LEVEL: must be debug, info, warn or error/],
  [{ TCP_PORT: "70000" }, /^TCP_PORT: must be 0-65535/],
  [{ RETENTION_RAW_DAYS: "1" }, /^RETENTION_RAW_DAYS: must be 0 \(keep forever\) or at least 2/],
  [{ RETENTION_1M_DAYS: "2.5" }, /^RETENTION_1M_DAYS: must be a whole number/],
  [
    { RECOMMENDATIONS_INTERVAL_MINUTES: "-1" },
    /^RECOMMENDATIONS_INTERVAL_MINUTES: must be 0 \(off\) or more/,
  ],
];

Deno.test("loadConfig() keeps data forever unless a retention is set", () => {
  assert.deepEqual(loadConfig({}).retention, { rawDays: 0, rollup1mDays: 0 });
  assert.deepEqual(loadConfig({ RETENTION_RAW_DAYS: "90", RETENTION_1M_DAYS: "30" }).retention, {
    rawDays: 90,
    rollup1mDays: 30,
  });
});

Deno.test("loadConfig() generates recommendations hourly unless told otherwise; 0 turns it off", () => {
  assert.deepEqual(loadConfig({}).recommendations, { intervalMinutes: 60 });
  assert.deepEqual(loadConfig({ RECOMMENDATIONS_INTERVAL_MINUTES: "0" }).recommendations, {
    intervalMinutes: 0,
  });
  assert.deepEqual(loadConfig({ RECOMMENDATIONS_INTERVAL_MINUTES: "15" }).recommendations, {
    intervalMinutes: 15,
  });
});

for (const [env, expected] of BAD) {
  const name = Object.keys(env)[0];
  Deno.test(`loadConfig() names ${name} when it is malformed`, () => {
    const found = problems(env);
    assert.equal(found.length, 1, found.join("; "));
    assert.match(found[0], expected);
  });
}

Deno.test("loadConfig() requires every INFLUX_* variable once one is set", () => {
  const found = problems({ INFLUX_URL: "http://localhost:8086" });
  assert.deepEqual(found.sort(), [
    "INFLUX_BUCKET: is required when any INFLUX_* variable is set",
    "INFLUX_ORG: is required when any INFLUX_* variable is set",
    "INFLUX_TOKEN: is required when any INFLUX_* variable is set",
  ]);
});

Deno.test("loadConfig() reports every bad variable at once", () => {
  assert.equal(problems({ PORT: "x", WORKERS: "0", SIMULATE: "?" }).length, 3);
});
