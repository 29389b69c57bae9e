/**
 * Building blocks shared by the entity schemas and the REST API: ids, timestamps, query-string
 * coercions, paging and bounded time ranges. Every limit the API enforces on a query lives here, so
 * the OpenAPI document, the validation and the error messages agree.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { Paging, paged } from "./domain/common.ts";
 * const query = Paging.parse({ page: "2" }); // { page: 2, page_size: 50 }
 * const PlantPage = paged(z.object({ id: z.string() }), "ExamplePage");
 * ```
 * @module
 */
import { z } from "zod";

/** A UUID (any version: ids may come from other systems). */
export const Uuid = z.guid({ message: "must be a UUID" });

/** A VEN load id, as VENs report it. */
export const LoadId = z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, "must be 1-100 of A-Z a-z 0-9 _ . : -");

/** A timestamp as the API sends it (ISO 8601, UTC). */
export const DateTime = z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time" });

/** A timestamp as the API accepts it: ISO 8601 with `Z` or an offset, parsed to a `Date`. */
export const DateTimeInput = z.iso.datetime({
  offset: true,
  message: "must be an ISO 8601 date-time with Z or an offset, e.g. 2026-01-26T00:00:00Z",
}).transform((s) => new Date(s));

/**
 * A path on this site to return to (after signing in or out): printable ASCII (a URL's path and query
 * are percent-encoded) with one leading `/`, never `//` or `/\\`, which browsers read as another host.
 */
export const LocalPath = z.string().max(2000, "must be at most 2000 characters").regex(
  /^\/(?![/\\])[!-~]*$/,
  "must be a path on this site, e.g. /plants",
);

/** Free-form JSON object fields (`metadata`, `details`). */
export const JsonObject = z.record(z.string(), z.unknown());

/** A non-empty display name of at most `max` characters, trimmed. */
export const name = (max = 200) =>
  z.string().trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`);

/** A finite number (JSON has no NaN or Infinity, but zod accepts them from code). */
export const finite = () => z.number().finite("must be finite");

/** An integer query parameter (query strings are text). */
export const queryInt = (options: { min: number; max: number; default: number }) =>
  z.coerce.number({ message: "must be a whole number" }).int("must be a whole number")
    .min(options.min, `must be at least ${options.min}`)
    .max(options.max, `must be at most ${options.max}`)
    .default(options.default);

/** A boolean query parameter: `true` or `false`. */
export const queryBool = () =>
  z.enum(["true", "false"], { message: "must be true or false" }).transform((v) => v === "true");

/** A comma-separated query parameter (`a,b,c`) as an array of `item`, at most `max` long. */
export const commaList = <T extends z.ZodType<unknown, string>>(item: T, max: number) =>
  z.string().transform((text) => text.split(",").map((s) => s.trim()).filter(Boolean)).pipe(
    z.array(item).max(max, `must list at most ${max}`),
  );

/** Largest `page_size` any list accepts. */
export const PAGE_SIZE_MAX = 500;
/** `page_size` when absent. */
export const PAGE_SIZE_DEFAULT = 50;

/** `page` (1-based) and `page_size` query parameters. */
export const Paging = z.strictObject({
  page: queryInt({ min: 1, max: 1_000_000, default: 1 }),
  page_size: queryInt({ min: 1, max: PAGE_SIZE_MAX, default: PAGE_SIZE_DEFAULT }),
});
/** Parsed {@linkcode Paging}. */
export type Paging = z.output<typeof Paging>;

/** The envelope of every paginated response. */
export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

/** The schema of a page of `item`, registered as `id` in the OpenAPI components. */
export function paged<T extends z.ZodType>(item: T, id: string) {
  return z.object({
    items: z.array(item),
    page: z.number().int().min(1),
    pageSize: z.number().int().min(1),
    total: z.number().int().min(0).describe("Items matching the query across all pages"),
  }).meta({ id });
}

/** The SQL `limit`/`offset` of a page. */
export function pageWindow(paging: Paging): { limit: number; offset: number } {
  return { limit: paging.page_size, offset: (paging.page - 1) * paging.page_size };
}

/** Bucket widths of the rollups (seed 003), plus `raw` for the readings themselves. */
export const INTERVALS = ["raw", "1m", "10m", "30m", "3h", "6h"] as const;
/** One of {@linkcode INTERVALS}. */
export type Interval = typeof INTERVALS[number];
/** Bucket width in seconds of each rolled-up interval. */
export const INTERVAL_SECONDS: Record<Exclude<Interval, "raw">, number> = {
  "1m": 60,
  "10m": 600,
  "30m": 1_800,
  "3h": 10_800,
  "6h": 21_600,
};

const DAY_MS = 86_400_000;

/** The bounds of every time-range query. */
export const TIME_RANGE_LIMITS = {
  /** Longest span of a query over raw rows. */
  rawMaxSpanMs: 31 * DAY_MS,
  /** Longest span of a query over rollup buckets. */
  rollupMaxSpanMs: 366 * DAY_MS,
  /** Most buckets one query may produce. */
  maxPoints: 10_000,
  /** Span when `start_time` is absent. */
  defaultSpanMs: DAY_MS,
} as const;

/** Options for {@linkcode timeRange}. */
export interface TimeRangeOptions {
  /**
   * Longest span for rolled-up intervals; lower it where buckets are computed from raw rows.
   * @default {TIME_RANGE_LIMITS.rollupMaxSpanMs}
   */
  rollupMaxSpanMs?: number;
  /** The intervals accepted. @default {INTERVALS} */
  intervals?: readonly [Interval, ...Interval[]];
  /** The interval when absent. @default {"raw"} */
  defaultInterval?: Interval;
}

/** A parsed, validated time range. */
export interface TimeRange {
  start: Date;
  end: Date;
  interval: Interval;
}

const days = (ms: number) => `${Math.round(ms / DAY_MS)} days`;

const rangeShape = {
  start_time: DateTimeInput.optional().describe("Inclusive start; default: a day before end_time"),
  end_time: DateTimeInput.optional().describe("Exclusive end; default: now"),
};

type RangeInput = { start_time?: Date; end_time?: Date; interval?: Interval };

function checkRange(rollupMaxSpanMs: number) {
  return (value: RangeInput, ctx: z.RefinementCtx) => {
    // zod runs refinements even after a field failed to parse: only check a range that parsed
    const parsed = [value.start_time, value.end_time].every((v) => v === undefined || v instanceof Date);
    if (!parsed || (value.interval !== undefined && !INTERVALS.includes(value.interval))) return;
    const range = resolveTimeRange(value);
    const span = range.end.getTime() - range.start.getTime();
    if (span <= 0) {
      ctx.addIssue({ code: "custom", path: ["end_time"], message: "must be after start_time" });
      return;
    }
    const maxSpan = range.interval === "raw" ? TIME_RANGE_LIMITS.rawMaxSpanMs : rollupMaxSpanMs;
    if (span > maxSpan) {
      ctx.addIssue({
        code: "custom",
        path: ["start_time"],
        message: `the range spans ${days(span)}; at most ${days(maxSpan)} for interval ${range.interval}`,
      });
      return;
    }
    if (range.interval === "raw") return;
    const points = Math.ceil(span / (INTERVAL_SECONDS[range.interval] * 1000));
    if (points > TIME_RANGE_LIMITS.maxPoints) {
      ctx.addIssue({
        code: "custom",
        path: ["interval"],
        message: `${range.interval} buckets over this range are ${points} points; at most ` +
          `${TIME_RANGE_LIMITS.maxPoints}: choose a wider interval or a shorter range`,
      });
    }
  };
}

/**
 * The `start_time`, `end_time` and `interval` query parameters, with their bounds checked: the end
 * after the start, the span within the limit of the interval and the bucket count within
 * {@linkcode TIME_RANGE_LIMITS.maxPoints}. `end_time` defaults to now, `start_time` to a day before it.
 * Returns the object shape to spread into a strict query schema and the `check` to `superRefine` it with.
 */
export function timeRange(options: TimeRangeOptions = {}) {
  const intervals = options.intervals ?? INTERVALS;
  return {
    shape: {
      ...rangeShape,
      interval: z.enum(intervals, { message: `must be one of: ${intervals.join(", ")}` })
        .default(options.defaultInterval ?? intervals[0]).describe("raw rows, or buckets of this width"),
    },
    check: checkRange(options.rollupMaxSpanMs ?? TIME_RANGE_LIMITS.rollupMaxSpanMs),
  };
}

/** Like {@linkcode timeRange}, over raw rows only (no `interval` parameter). */
export function rawTimeRange() {
  return { shape: rangeShape, check: checkRange(TIME_RANGE_LIMITS.rollupMaxSpanMs) };
}

/** Fills in the defaults of a parsed time range (`end_time` now, a day before it, `raw`). */
export function resolveTimeRange(
  value: { start_time?: Date; end_time?: Date; interval?: Interval },
  now = Date.now(),
): TimeRange {
  const end = value.end_time ?? new Date(now);
  const start = value.start_time ?? new Date(end.getTime() - TIME_RANGE_LIMITS.defaultSpanMs);
  return { start, end, interval: value.interval ?? "raw" };
}

/** The `hours` window of a recent-list: how far back it looks. */
export const recentWindow = (defaultHours: number, maxHours: number) =>
  queryInt({ min: 1, max: maxHours, default: defaultHours }).describe(
    `How far back to look, in hours (at most ${maxHours})`,
  );
