import assert from "node:assert/strict";
import { withTestDatabase } from "../testing.ts";
import { getOrCreateSetting, shardLayouts } from "./settings.ts";

Deno.test("getOrCreateSetting() keeps the first value", async () => {
  await withTestDatabase("embedded", async ({ sql }) => {
    assert.deepEqual(await getOrCreateSetting(sql, "test.secret", () => ({ v: 1 })), { v: 1 });
    assert.deepEqual(await getOrCreateSetting(sql, "test.secret", () => ({ v: 2 })), { v: 1 });
  });
});

Deno.test("shardLayouts: raised before the shards connect, lowered after the drain, per client id prefix", async () => {
  await withTestDatabase("embedded", async ({ sql }) => {
    assert.equal(await shardLayouts.get(sql, "gridpulse"), undefined);
    await shardLayouts.set(sql, "gridpulse", 64, true);
    await shardLayouts.set(sql, "gp-Test-1", 4, true); // prefixes are client ids: any characters
    await shardLayouts.set(sql, "gridpulse", 16, true); // a start with fewer shards does not lower it
    assert.equal(await shardLayouts.get(sql, "gridpulse"), 64);
    await shardLayouts.set(sql, "gridpulse", 16); // its drain is complete
    assert.equal(await shardLayouts.get(sql, "gridpulse"), 16);
    assert.equal(await shardLayouts.get(sql, "gp-Test-1"), 4);
  });
});
