import assert from "node:assert/strict";
import { silentLogger } from "../core/log.ts";
import type { Sql } from "../stores/postgres/client.ts";
import { pgBackends, withTestDatabase } from "../stores/postgres/testing.ts";
import type { PassSummary } from "./generator.ts";
import { startRecommendationJob } from "./job.ts";
import { craftedSite } from "./testing.ts";

const HOUR = 3_600_000;

const count = async (sql: Sql, site: string) =>
  (await sql<{ n: number }[]>`select count(*)::int as n from recommendations where site_id = ${site}`)[0].n;

for (const backend of pgBackends()) {
  Deno.test(`startRecommendationJob() runs a pass after its first delay and then every interval; none at interval 0 (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const { site } = await craftedSite(sql, Math.floor(Date.now() / HOUR) * HOUR);
      const stopOff = startRecommendationJob({ sql, log: silentLogger, intervalMs: 0, firstDelayMs: 0 });
      await new Promise((r) => setTimeout(r, 50));
      await stopOff();
      assert.equal(await count(sql, site), 0, "interval 0: off");

      const passes: PassSummary[] = [];
      const twice = Promise.withResolvers<void>();
      const stop = startRecommendationJob({
        sql,
        log: silentLogger,
        intervalMs: 20,
        firstDelayMs: 10,
        onPass: (summary) => {
          passes.push(summary);
          if (passes.length === 2) twice.resolve();
        },
      });
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${passes.length} passes in 30 s`)), 30_000);
      });
      try {
        await Promise.race([twice.promise, timeout]);
      } finally {
        clearTimeout(timer);
        await stop();
      }
      const summary = { sites: 1, created: 0, updated: 0, withdrawn: 0, skipped: {} };
      assert.deepEqual(passes.slice(0, 2), [{ ...summary, created: 4 }, { ...summary, updated: 4 }]);
      assert.equal(await count(sql, site), 4);
    }));
}
