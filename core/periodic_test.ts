import assert from "node:assert/strict";
import { startPeriodic } from "./periodic.ts";

Deno.test("startPeriodic() runs passes one at a time, spaced from the end of the last, and stop waits for the one under way", async () => {
  const spans: [number, number][] = [];
  let seen: AbortSignal | undefined;
  const stop = startPeriodic({
    firstDelayMs: 5,
    intervalMs: 20,
    pass: async (signal) => {
      seen = signal;
      const start = performance.now();
      await new Promise((r) => setTimeout(r, 30));
      spans.push([start, performance.now()]);
    },
  });
  while (spans.length < 2) await new Promise((r) => setTimeout(r, 5));
  assert.ok(spans[1][0] - spans[0][1] >= 19, "the next pass starts an interval after the last ended");
  await stop();
  assert.equal(seen?.aborted, true, "stop aborts the pass's signal");
  const passes = spans.length;
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(spans.length, passes, "no pass after stop, and none was cut off unrecorded");
});
