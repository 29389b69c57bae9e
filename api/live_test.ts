import assert from "node:assert/strict";
import { silentLogger } from "../core/log.ts";
import type { Services } from "../core/services.ts";
import { keys } from "../stores/cache/cache.ts";
import { MemoryCache } from "../stores/cache/memory/memory_cache.ts";
import { networkStats } from "./live.ts";

Deno.test("networkStats() computes once for concurrent callers and reuses the result", async () => {
  let scans = 0;
  const cache = new class extends MemoryCache {
    override keys(prefix: string, limit?: number) {
      scans++;
      return super.keys(prefix, limit);
    }
  }();
  await cache.set(keys.actor("ven", "a"), {
    status: "online",
    usedPowerKw: 3,
    shedPowerKw: 1,
    loads: [],
    lastSeen: null,
    activeEvents: [],
  });
  await cache.set(keys.actor("ven", "b"), { status: "sleeping" }); // malformed: skipped
  const services = { cache, log: silentLogger } as unknown as Services;
  const results = await Promise.all(Array.from({ length: 20 }, () => networkStats(services)));
  assert.equal(scans, 1);
  assert.ok(results.every((r) => r.vens === 1 && r.usedPowerKw === 3));
  await networkStats(services);
  assert.equal(scans, 1, "served from the api: key until it expires");
  await cache.close();
});
