import assert from "node:assert/strict";
import { type CpuProfile, formatTop, selfTimes, shortUrl } from "./profile_summary.ts";

Deno.test("shortUrl() names npm packages and project folders", () => {
  assert.equal(shortUrl(""), "(native)");
  assert.equal(
    shortUrl("file:///w/node_modules/.deno/postgres@3.4.9/node_modules/postgres/cjs/src/types.js"),
    "npm:postgres@3.4.9",
  );
  assert.equal(
    shortUrl("file:///work/wt/bench/actors/detectors/baseline.ts"),
    "actors/detectors/baseline.ts",
  );
});

Deno.test("selfTimes() gives each sample's delta to the node on top of the stack", () => {
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: { functionName: "(root)", url: "", lineNumber: -1 }, children: [2, 3] },
      { id: 2, callFrame: { functionName: "hot", url: "file:///p/actors/a.ts", lineNumber: 9 } },
      { id: 3, callFrame: { functionName: "(idle)", url: "", lineNumber: -1 } },
    ],
    samples: [2, 2, 3, 2],
    timeDeltas: [1000, 2000, 3000, 4000],
    startTime: 0,
    endTime: 10_000,
  };
  const { byFunction, byFile, totalMs } = selfTimes(profile);
  assert.equal(totalMs, 10);
  assert.equal(byFunction.get("hot (actors/a.ts:10)"), 7);
  assert.equal(byFile.get("(native)"), 3);
  assert.deepEqual(formatTop(byFile, totalMs, 1), ["       7 ms  70.0%  actors/a.ts"]);
});
