import assert from "node:assert/strict";
import { z } from "zod";
import { Paging, resolveTimeRange, timeRange } from "./common.ts";

const { shape, check } = timeRange();
const Query = z.strictObject(shape).superRefine(check);
const issues = (input: Record<string, string>) =>
  Query.safeParse(input).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`) ?? [];

Deno.test("timeRange() accepts a bounded range and defaults to the last day of raw rows", () => {
  assert.deepEqual(issues({ start_time: "2026-01-01T00:00:00Z", end_time: "2026-01-02T00:00:00+01:00" }), []);
  const parsed = Query.parse({});
  const range = resolveTimeRange(parsed, Date.parse("2026-01-02T00:00:00Z"));
  assert.equal(range.interval, "raw");
  assert.equal(range.end.getTime() - range.start.getTime(), 86_400_000);
});

Deno.test("timeRange() names end_time when the range is empty or reversed", () => {
  assert.deepEqual(issues({ start_time: "2026-01-02T00:00:00Z", end_time: "2026-01-01T00:00:00Z" }), [
    "end_time: must be after start_time",
  ]);
});

Deno.test("timeRange() limits raw spans to 31 days and rollups to 366", () => {
  const [raw] = issues({ start_time: "2026-01-01T00:00:00Z", end_time: "2026-03-01T00:00:00Z" });
  assert.match(raw, /^start_time: the range spans 59 days; at most 31 days for interval raw$/);
  assert.deepEqual(
    issues({ start_time: "2026-01-01T00:00:00Z", end_time: "2026-03-01T00:00:00Z", interval: "6h" }),
    [],
  );
  assert.match(
    issues({ start_time: "2024-01-01T00:00:00Z", end_time: "2026-01-01T00:00:00Z", interval: "6h" })[0],
    /at most 366 days/,
  );
});

Deno.test("timeRange() refuses more than 10,000 buckets and says which interval would do", () => {
  const [problem] = issues({
    start_time: "2026-01-01T00:00:00Z",
    end_time: "2026-01-31T00:00:00Z",
    interval: "1m",
  });
  assert.match(problem, /^interval: 1m buckets over this range are 43200 points; at most 10000/);
});

Deno.test("timeRange() rejects local times without an offset", () => {
  assert.match(
    issues({ start_time: "2026-01-01T00:00:00" })[0],
    /^start_time: must be an ISO 8601 date-time/,
  );
});

Deno.test("Paging coerces text and bounds page_size", () => {
  assert.deepEqual(Paging.parse({ page: "3", page_size: "20" }), { page: 3, page_size: 20 });
  assert.equal(Paging.safeParse({ page_size: "501" }).success, false);
  assert.equal(Paging.safeParse({ page: "0" }).success, false);
  assert.equal(Paging.safeParse({ page: "1.5" }).success, false);
});
