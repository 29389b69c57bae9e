/**
 * The series sink on InfluxDB 2 (`@influxdata/influxdb-client`'s WriteApi), when `INFLUX_URL` is set.
 *
 * The WriteApi batches lines (size and interval), retries failed batches with exponential backoff and
 * keeps them in its retry buffer while the server is down. Its own buffer silently drops the oldest
 * lines when full; so this sink counts every point it hands over until InfluxDB confirmed it
 * (`writeSuccess`) and refuses new points with `BackpressureError` past `maxBuffered`, before the
 * client would ever drop one. Retries have no count or time limit: points wait for the server as long
 * as the process lives. `close()` flushes, waiting up to `closeTimeoutMs` for a server that is down.
 *
 * @example
 * ```ts
 * import { openInfluxSeries } from "./stores/series/influx/influx_series.ts";
 * import { silentLogger } from "./core/log.ts";
 * // const series = await openInfluxSeries({ url: "http://127.0.0.1:8086", token: "t", org: "o", bucket: "b", log: silentLogger });
 * // series.write([{ measurement: "plant", tags: { plantId: "p1" }, fields: { mw: 12.5 }, ts: Date.now() }]);
 * ```
 * @module
 */
import { HttpError, InfluxDB, Point, setLogger, type WriteApi } from "@influxdata/influxdb-client";
import type { Logger } from "../../../core/log.ts";
import { BackpressureError, StoreUnavailableError } from "../../../core/errors.ts";
import { maskUrl } from "../../postgres/client.ts";
import type { StoreStatus } from "../../status.ts";
import type { SeriesPoint, SeriesSink } from "../series.ts";

/** Options for {@linkcode openInfluxSeries}. */
export interface InfluxSeriesOptions {
  url: string;
  token: string;
  org: string;
  bucket: string;
  log: Logger;
  /** Points held (not yet confirmed by the server) before `write` throws. @default {100000} */
  maxBuffered?: number;
  /** Lines per write request. @default {1000} */
  batchSize?: number;
  /** Longest a point waits for its batch to fill, in ms. @default {1000} */
  flushIntervalMs?: number;
  /** First and largest retry delay in ms. @default {{ min: 500, max: 10000 }} */
  retryDelayMs?: { min: number; max: number };
  /** How long `close()` keeps trying to deliver buffered points. @default {10000} */
  closeTimeoutMs?: number;
  /** How long `flush()` waits for the server to confirm every point. @default {10000} */
  flushTimeoutMs?: number;
  /** How long the start-up health probe may take. @default {5000} */
  connectTimeoutMs?: number;
}

/** The InfluxDB {@linkcode SeriesSink}. Create it with {@linkcode openInfluxSeries}. */
export class InfluxSeries implements SeriesSink {
  readonly backend = "influx" as const;
  readonly #api: WriteApi;
  readonly #url: string;
  readonly #location: string;
  readonly #max: number;
  readonly #closeTimeoutMs: number;
  readonly #flushTimeoutMs: number;
  readonly #log: Logger;
  #pending = 0;
  #lastError?: string;
  #closed = false;

  constructor(options: InfluxSeriesOptions) {
    const { batchSize = 1_000, flushIntervalMs = 1_000, retryDelayMs = { min: 500, max: 10_000 } } = options;
    this.#max = options.maxBuffered ?? 100_000;
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
    this.#flushTimeoutMs = options.flushTimeoutMs ?? 10_000;
    this.#url = options.url.replace(/\/+$/, "");
    this.#location = `${maskUrl(options.url)} (org ${options.org}, bucket ${options.bucket})`;
    this.#log = options.log.child({ store: "series" });
    this.#api = new InfluxDB({ url: this.#url, token: options.token }).getWriteApi(
      options.org,
      options.bucket,
      "ms",
      {
        batchSize,
        flushInterval: flushIntervalMs,
        maxRetries: 1_000_000_000,
        maxRetryTime: 365 * 24 * 3_600_000,
        // Larger than our own bound, so the client never drops lines to make room.
        maxBufferLines: this.#max + batchSize * 2,
        minRetryDelay: retryDelayMs.min,
        maxRetryDelay: retryDelayMs.max,
        exponentialBase: 2,
        retryJitter: Math.min(200, retryDelayMs.min),
        randomRetry: true,
        writeSuccess: (lines) => {
          this.#pending -= lines.length;
          this.#lastError = undefined;
        },
        writeFailed: (error, lines) => {
          this.#lastError = error.message;
          // The client retries everything but HTTP 4xx (other than 429): those lines are gone.
          if (error instanceof HttpError && error.statusCode < 429) {
            this.#pending -= lines.length;
            this.#log.error("influxdb rejected points", { count: lines.length, error: error.message });
          }
        },
        writeRetrySkipped: (entry) => {
          this.#pending -= entry.lines.length;
          this.#log.error("influxdb retry buffer dropped points", { count: entry.lines.length });
        },
      },
    );
  }

  /** Points accepted and not yet confirmed by the server. */
  get buffered(): number {
    return this.#pending;
  }

  /**
   * Queues `points` for writing.
   *
   * @throws {BackpressureError} when the buffer cannot take them all (nothing is queued then).
   * @throws {TypeError} for a point without fields or with a non-finite field.
   */
  write(points: SeriesPoint[]): void {
    if (this.#closed) throw new Error("The series sink is closed");
    if (this.#pending + points.length > this.#max) {
      throw new BackpressureError(
        "series",
        `InfluxDB at ${this.#location} has ${this.#pending} points waiting (max ${this.#max}); retry later`,
      );
    }
    const lines = points.map((p) => toLine(p, this.#api));
    this.#pending += lines.length;
    this.#api.writeRecords(lines);
  }

  /**
   * Sends every queued point now, retries included, and waits until the server confirmed them all
   * (batches sent earlier may still be in flight when the client's own flush returns).
   *
   * @throws {StoreUnavailableError} when points are still unconfirmed after `flushTimeoutMs`.
   */
  flush(): Promise<void> {
    return this.#drain(this.#flushTimeoutMs);
  }

  async #drain(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    await this.#api.flush(true).catch(() => {});
    while (this.#pending > 0) {
      if (Date.now() > deadline) {
        throw new StoreUnavailableError(
          "series",
          `InfluxDB at ${this.#location} has not confirmed ${this.#pending} points: ${
            this.#lastError ?? "no answer"
          }`,
        );
      }
      await new Promise((r) => setTimeout(r, 20));
      if (this.#lastError !== undefined) await this.#api.flush(true).catch(() => {});
    }
  }

  async check(): Promise<StoreStatus> {
    const base = { store: "series", backend: "InfluxDB", required: false, location: this.#location };
    const detail = `${this.#pending} points buffered (max ${this.#max})`;
    const started = performance.now();
    try {
      await probe(this.#url, 2_000);
    } catch (error) {
      return { ...base, state: "down", error: (error as Error).message, detail };
    }
    const latencyMs = performance.now() - started;
    const behind = this.#pending > 0 && this.#lastError !== undefined;
    return {
      ...base,
      state: behind ? "degraded" : "up",
      latencyMs,
      detail,
      ...(behind ? { error: this.#lastError } : {}),
    };
  }

  /** Flushes (retrying up to `closeTimeoutMs`), then closes; points still undelivered are logged as lost. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#drain(this.#closeTimeoutMs);
    } catch {
      this.#log.error("series sink closed with points undelivered", {
        count: this.#pending,
        error: this.#lastError,
      });
    }
    await this.#api.close().catch(() => {});
  }
}

/** Converts a point to line protocol. */
function toLine(point: SeriesPoint, api: WriteApi): string {
  const p = new Point(point.measurement);
  for (const [key, value] of Object.entries(point.tags)) p.tag(key, value);
  const fields = Object.entries(point.fields);
  if (fields.length === 0) throw new TypeError(`Point ${point.measurement} has no fields`);
  for (const [key, value] of fields) {
    if (!Number.isFinite(value)) {
      throw new TypeError(`Field ${point.measurement}.${key} must be finite, got ${value}`);
    }
    p.floatField(key, value);
  }
  p.timestamp(new Date(point.ts));
  const line = p.toLineProtocol(api);
  if (!line) throw new TypeError(`Point ${point.measurement} cannot be written`);
  return line;
}

/** GET /health (InfluxDB 2, VictoriaMetrics), falling back to /ping (InfluxDB 1.8+ and 2). */
async function probe(url: string, timeoutMs: number): Promise<void> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  try {
    let res = await fetch(`${url}/health`, { signal: controller.signal });
    await res.body?.cancel();
    if (res.status === 404) {
      res = await fetch(`${url}/ping`, { signal: controller.signal });
      await res.body?.cancel();
    }
    if (!res.ok) throw new Error(`health check answered HTTP ${res.status}`);
  } finally {
    clearTimeout(timer);
  }
}

let loggerInstalled = false;

/**
 * Probes the server and opens the sink.
 *
 * @throws {StoreUnavailableError} naming the URL (password masked) when the server does not answer.
 */
export async function openInfluxSeries(options: InfluxSeriesOptions): Promise<InfluxSeries> {
  if (!loggerInstalled) {
    // The client logs to the console by default; its retries are reported through check() instead.
    const log = options.log.child({ store: "series" });
    setLogger({ error: (message) => log.debug(message), warn: (message) => log.debug(message) });
    loggerInstalled = true;
  }
  try {
    await probe(options.url.replace(/\/+$/, ""), options.connectTimeoutMs ?? 5_000);
  } catch (error) {
    throw new StoreUnavailableError(
      "series",
      `InfluxDB at ${maskUrl(options.url)} is unreachable: ${
        error instanceof Error ? error.message : String(error)
      }`,
      { cause: error },
    );
  }
  return new InfluxSeries(options);
}
