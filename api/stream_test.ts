import assert from "node:assert/strict";
import { silentLogger } from "../core/log.ts";
import type { Services } from "../core/services.ts";
import { CHANGES_CHANNEL } from "../stores/cache/cache.ts";
import { openRedisCache } from "../stores/cache/redis/redis_cache.ts";
import { hasRedisServer, startOwnRedis } from "../stores/cache/redis/testing.ts";
import { changeStream } from "./stream.ts";

const all = { kinds: new Set<never>(), entities: new Set<string>() };

Deno.test({
  name: "changeStream() ends the stream when the Redis pub/sub connection is lost",
  ignore: !hasRedisServer(),
  fn: async () => {
    const server = await startOwnRedis();
    const cache = await openRedisCache({ url: server.url, log: silentLogger });
    try {
      const services = { cache, log: silentLogger } as unknown as Services;
      const res = await changeStream(services, new AbortController().signal, all, { heartbeatMs: 50 });
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let text = "";
      const event = { kind: "alert", type: "alert.opened", id: "a-1", ts: new Date().toISOString() };
      await cache.publish(CHANGES_CHANNEL, event);
      while (!text.includes("event: alert")) text += (await reader.read()).value ?? "";
      await server.kill();
      // heartbeats alone would keep it open forever; the stream must end so the client polls
      const ended = await Promise.race([
        (async () => {
          while (!(await reader.read()).done) { /* heartbeats */ }
          return true;
        })(),
        new Promise<false>((r) => setTimeout(() => r(false), 5_000)),
      ]);
      assert.equal(ended, true, "the stream should end when the subscriber connection is lost");
    } finally {
      await cache.close();
      await server.stop();
    }
  },
});
