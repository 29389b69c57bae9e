/**
 * The series sink on InfluxDB 2 (`@influxdata/influxdb-client`'s WriteApi), when `INFLUX_URL` is set.
 *
 * The WriteApi batches lines (size and interval), retries failed batches with exponential backoff and
 * keeps them in its retry buffer while the server is down. Its own buffer silently drops the oldest
 * lines when full; so this sink counts every point it hands over until InfluxDB confirmed it
 * (`writeSuccess`) and refuses new points with `BackpressureError` past `maxBuffered`, before the
 * client would ever drop one. Retries have no count or time limit: points wait for the server as long
 * as the process lives. `close()` flushes, waiting up to `closeTimeoutMs` for a server that is down; what
 * the runtime's writer committed and InfluxDB did not confirm stays recorded in `series_outbox`.
 *
 * A server that answers but refuses writes (HTTP 4xx other than 429: a wrong or revoked token, an
 * unknown org or bucket) is not retried by the client, so the sink makes the refusal visible: the
 * points are counted (`stats().refused`, on `/metrics`), `check()` reports `down` with the last refusal
 * until a write is confirmed again, the promise `write` returned rejects (the writer keeps the commit in
 * `series_outbox` to mirror it again), and `flush()` rejects. At start a write with no points, sent with
 * the token, proves that the token may write to the org and bucket.
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
import type { SeriesPoint, SeriesSink, SeriesStats } from "../series.ts";

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
  /**
   * How long `close()` keeps trying to deliver buffered points. Short, so that a stop stays within
   * main.ts's grace period: the writer's outbox (`series_outbox`) records what is not confirmed by then,
   * and the next start mirrors it again. @default {3000}
   */
  closeTimeoutMs?: number;
  /** How long `flush()` waits for the server to confirm every point. @default {10000} */
  flushTimeoutMs?: number;
  /** How long each start-up probe (health, then write access) may take. @default {5000} */
  connectTimeoutMs?: number;
}

/** The settlement of one `write` call: its points still unanswered, and the first failure. */
interface Receipt {
  remaining: number;
  failure?: Error;
  resolve(): void;
  reject(error: Error): void;
}

/** The last refusal, for `check()`. */
interface Refusal {
  status: number;
  message: string;
  at: Date;
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
  /** Receipts of unanswered lines, per line (the same line may be waiting more than once). */
  #waiting = new Map<string, Receipt[]>();
  #confirmed = 0;
  #refused = 0;
  #dropped = 0;
  /** Set by a refused write, cleared by the next confirmed one. */
  #refusal?: Refusal;

  constructor(options: InfluxSeriesOptions) {
    const { batchSize = 1_000, flushIntervalMs = 1_000, retryDelayMs = { min: 500, max: 10_000 } } = options;
    this.#max = options.maxBuffered ?? 100_000;
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 3_000;
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
          this.#confirmed += lines.length;
          this.#lastError = undefined;
          this.#refusal = undefined;
          this.#settle(lines);
        },
        writeFailed: (error, lines) => {
          this.#lastError = error.message;
          // The client retries everything but HTTP 4xx (other than 429): the server will not take those
          // lines, so they are counted, reported by check() and handed back to the writer as unconfirmed.
          if (error instanceof HttpError && error.statusCode < 429) {
            this.#pending -= lines.length;
            this.#refused += lines.length;
            this.#refusal = { status: error.statusCode, message: error.message, at: new Date() };
            this.#log.error("influxdb refused points", {
              count: lines.length,
              status: error.statusCode,
              error: error.message,
              refusedTotal: this.#refused,
            });
            this.#settle(
              lines,
              new Error(`InfluxDB refused the write: HTTP ${error.statusCode} ${error.message}`),
            );
          }
        },
        writeRetrySkipped: (entry) => {
          this.#pending -= entry.lines.length;
          this.#dropped += entry.lines.length;
          this.#log.error("influxdb retry buffer dropped points", { count: entry.lines.length });
          this.#settle(
            entry.lines,
            new Error("The InfluxDB client dropped the points from its retry buffer"),
          );
        },
      },
    );
  }

  /** Points accepted and not yet confirmed by the server. */
  get buffered(): number {
    return this.#pending;
  }

  stats(): SeriesStats {
    return {
      buffered: this.#pending,
      maxBuffered: this.#max,
      confirmed: this.#confirmed,
      refused: this.#refused,
      dropped: this.#dropped,
      refusing: this.#refusal !== undefined,
    };
  }

  /**
   * Queues `points` for writing. The promise resolves once the server confirmed all of them and
   * rejects once the last of them was answered if any was refused or dropped.
   *
   * @throws {BackpressureError} when the buffer cannot take them all (nothing is queued then).
   * @throws {TypeError} for a point without fields or with a non-finite field.
   */
  write(points: SeriesPoint[]): Promise<void> {
    if (this.#closed) throw new Error("The series sink is closed");
    if (this.#pending + points.length > this.#max) {
      throw new BackpressureError(
        "series",
        `InfluxDB at ${this.#location} has ${this.#pending} points waiting (max ${this.#max}); retry later`,
      );
    }
    const lines = points.map((p) => toLine(p, this.#api));
    if (lines.length === 0) return Promise.resolve();
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    const receipt: Receipt = { remaining: lines.length, resolve, reject };
    for (const line of lines) {
      const queue = this.#waiting.get(line);
      if (queue) queue.push(receipt);
      else this.#waiting.set(line, [receipt]);
    }
    this.#pending += lines.length;
    this.#api.writeRecords(lines);
    return promise;
  }

  /** Answers the receipts of `lines`: confirmed, or failed with `failure`. */
  #settle(lines: readonly string[], failure?: Error): void {
    for (const line of lines) {
      const queue = this.#waiting.get(line);
      const receipt = queue?.shift();
      if (!receipt) continue;
      if (queue!.length === 0) this.#waiting.delete(line);
      if (failure && !receipt.failure) receipt.failure = failure;
      if (--receipt.remaining === 0) {
        if (receipt.failure) receipt.reject(receipt.failure);
        else receipt.resolve();
      }
    }
  }

  /**
   * Sends every queued point now, retries included, and waits until the server answered for them all
   * (batches sent earlier may still be in flight when the client's own flush returns).
   *
   * @throws {StoreUnavailableError} when points are still unconfirmed after `flushTimeoutMs`, or when the
   * server refused points meanwhile.
   */
  async flush(): Promise<void> {
    const refused = this.#refused + this.#dropped;
    await this.#drain(this.#flushTimeoutMs);
    const lost = this.#refused + this.#dropped - refused;
    if (lost > 0) {
      throw new StoreUnavailableError(
        "series",
        `InfluxDB at ${this.#location} refused ${lost} points: ${this.#refusal?.message ?? this.#lastError}`,
      );
    }
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
    let detail = `${this.#pending} points buffered (max ${this.#max})`;
    if (this.#refused + this.#dropped > 0) {
      detail += `, ${this.#refused} refused and ${this.#dropped} dropped since start`;
    }
    const refusal = this.#refusal;
    if (refusal) {
      // Answering, but every point sent is refused: the mirror is not working until a write succeeds.
      return {
        ...base,
        state: "down",
        error:
          `InfluxDB refuses writes since ${refusal.at.toISOString()}: HTTP ${refusal.status} ${refusal.message}`,
        detail,
      };
    }
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

  /**
   * Flushes (retrying up to `closeTimeoutMs`), then closes; points still unconfirmed are counted as
   * dropped and logged, and the promises of their writes reject.
   */
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
    const left = [...this.#waiting.keys()].flatMap((line) => this.#waiting.get(line)!.map(() => line));
    this.#dropped += left.length;
    this.#pending = 0;
    this.#settle(
      left,
      new StoreUnavailableError("series", "The series sink closed before InfluxDB confirmed the points"),
    );
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

/** Where to write and with which token. */
interface WriteTarget {
  url: string;
  token: string;
  org: string;
  bucket: string;
}

/**
 * Proves that the token may write to the org and bucket without writing anything: a write with no
 * points. InfluxDB 2 checks the token (401), the org and the bucket (404) and the token's write
 * permission on the bucket (403) before it reads the body, then refuses the empty body with 400
 * "writing requires points"; VictoriaMetrics (which checks none of them) accepts it with 204.
 */
async function probeWrite(target: WriteTarget, timeoutMs: number): Promise<void> {
  const query = new URLSearchParams({ org: target.org, bucket: target.bucket, precision: "ms" });
  const res = await fetch(`${target.url}/api/v2/write?${query}`, {
    method: "POST",
    headers: { Authorization: `Token ${target.token}`, "Content-Type": "text/plain; charset=utf-8" },
    body: "",
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  if (res.ok) return;
  let message = text.trim().slice(0, 300);
  try {
    message = JSON.parse(text).message ?? message;
  } catch { /* not JSON */ }
  if (res.status === 400 && /writing requires points/i.test(message)) return;
  throw new Error(`a write with the token answered HTTP ${res.status}${message ? ` ${message}` : ""}`);
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
 * Probes the server, checks that the token may write to the org and bucket, and opens the sink.
 *
 * @throws {StoreUnavailableError} naming the URL (password masked) when the server does not answer, or
 * when it refuses writes with this token, org and bucket.
 */
export async function openInfluxSeries(options: InfluxSeriesOptions): Promise<InfluxSeries> {
  if (!loggerInstalled) {
    // The client logs to the console by default; its retries are reported through check() instead.
    const log = options.log.child({ store: "series" });
    setLogger({ error: (message) => log.debug(message), warn: (message) => log.debug(message) });
    loggerInstalled = true;
  }
  const url = options.url.replace(/\/+$/, "");
  const timeoutMs = options.connectTimeoutMs ?? 5_000;
  const reason = (error: unknown) => error instanceof Error ? error.message : String(error);
  try {
    await probe(url, timeoutMs);
  } catch (error) {
    throw new StoreUnavailableError(
      "series",
      `InfluxDB at ${maskUrl(options.url)} is unreachable: ${reason(error)}`,
      { cause: error },
    );
  }
  try {
    await probeWrite({ ...options, url }, timeoutMs);
  } catch (error) {
    throw new StoreUnavailableError(
      "series",
      `InfluxDB at ${maskUrl(options.url)} refuses writes to org ${options.org}, bucket ${options.bucket}: ${
        reason(error)
      } (check INFLUX_TOKEN, INFLUX_ORG and INFLUX_BUCKET)`,
      { cause: error },
    );
  }
  return new InfluxSeries(options);
}
