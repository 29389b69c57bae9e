/**
 * The series sink on InfluxDB 2, when `INFLUX_URL` is set: points are converted to line protocol with
 * `@influxdata/influxdb-client`'s `Point` and written in batches to `/api/v2/write` by this module.
 *
 * The client's own WriteApi is not used for sending: it reads a `Retry-After` of seconds as
 * milliseconds, fails a whole batch for one point the server will never accept, and drops the oldest
 * lines of its retry buffer when full. Here every answer is classified:
 *
 * - 2xx: the batch is confirmed.
 * - transient (no answer, 408, 429, 5xx): the batch waits and is sent again, with exponential backoff or
 *   after the server's `Retry-After` (seconds or a date, up to `maxRetryAfterMs`); sending pauses
 *   meanwhile, the other batches wait too. No count or time limit: points wait as long as the process
 *   lives, bounded by `maxBuffered` (`write` throws `BackpressureError` past it, nothing queued).
 * - about the data (400 unparsable, 413 too large, 422 partial write, e.g. outside the bucket's
 *   retention): the batch is split in halves that are sent again, until the point at fault is alone;
 *   its refusal is then final (so is at once that of a batch InfluxDB says it dropped whole,
 *   `dropped=N`). It is rejected with the server's message: counted (`stats().rejected`) and handed to
 *   the caller in the receipt, while every other point of the batch is confirmed.
 *   Sending a half again whose points were already written by a partial write is harmless: a point is
 *   its series and timestamp.
 * - about the configuration (401, 403, 404 and other 4xx: a wrong or revoked token, an unknown org or
 *   bucket): the points are handed back (the promise `write` returned rejects; the writer's
 *   `series_outbox` keeps them and mirrors them again later), counted (`stats().refused`), and `check()`
 *   reports `down` with the refusal until a write is confirmed again.
 *
 * `close()` waits up to `closeTimeoutMs` for what is buffered; what the runtime's writer committed and
 * InfluxDB did not confirm stays recorded in `series_outbox`. At start a write with no points, sent with
 * the token, proves that the token may write to the org and bucket.
 *
 * @example
 * ```ts
 * import { openInfluxSeries } from "./stores/series/influx/influx_series.ts";
 * import { silentLogger } from "./core/log.ts";
 * // const series = await openInfluxSeries({ url: "http://127.0.0.1:8086", token: "t", org: "o", bucket: "b", log: silentLogger });
 * // const { rejected } = await series.write([{ measurement: "plant", tags: { plantId: "p1" }, fields: { mw: 12.5 }, ts: Date.now() }]);
 * ```
 * @module
 */
import { Point } from "@influxdata/influxdb-client";
import type { Logger } from "../../../core/log.ts";
import { BackpressureError, StoreUnavailableError } from "../../../core/errors.ts";
import { backoffDelay } from "../../../core/retry.ts";
import { maskUrl } from "../../postgres/client.ts";
import type { StoreStatus } from "../../status.ts";
import type { RejectedPoint, SeriesPoint, SeriesSink, SeriesStats, WriteReceipt } from "../series.ts";

/** Options for {@linkcode openInfluxSeries}. */
export interface InfluxSeriesOptions {
  url: string;
  token: string;
  org: string;
  bucket: string;
  log: Logger;
  /** Points held (not yet answered by the server) before `write` throws. @default {100000} */
  maxBuffered?: number;
  /** Lines per write request. @default {1000} */
  batchSize?: number;
  /** Longest a point waits for its batch to fill, in ms. @default {1000} */
  flushIntervalMs?: number;
  /** First and largest retry delay in ms, after a failure without `Retry-After`. @default {{ min: 500, max: 10000 }} */
  retryDelayMs?: { min: number; max: number };
  /**
   * The longest `Retry-After` honoured, in ms; a longer one waits this long (and a shorter one than
   * `retryDelayMs.min` waits that). @default {300000}
   */
  maxRetryAfterMs?: number;
  /** Write requests in flight at most. @default {4} */
  maxInFlight?: number;
  /** How long a write request may take before it counts as unanswered (and is sent again). @default {10000} */
  requestTimeoutMs?: number;
  /**
   * How long `close()` keeps trying to deliver buffered points. Short, so that a stop stays within
   * main.ts's grace period: the writer's outbox (`series_outbox`) records what is not confirmed by then,
   * and the next start mirrors it again. @default {3000}
   */
  closeTimeoutMs?: number;
  /** How long `flush()` waits for the server to answer for every point. @default {10000} */
  flushTimeoutMs?: number;
  /** How long each start-up probe (health, then write access) may take. @default {5000} */
  connectTimeoutMs?: number;
}

/** How an answer to a write request is handled; see the module doc. */
export type AnswerClass = "confirmed" | "transient" | "data" | "configuration";

/** Classifies the HTTP status of an answer to a write request. */
export function classifyAnswer(status: number): AnswerClass {
  if (status >= 200 && status < 300) return "confirmed";
  if (status === 408 || status === 429 || status >= 500) return "transient";
  if (status === 400 || status === 413 || status === 422) return "data";
  return "configuration";
}

/**
 * A `Retry-After` header in ms: delay-seconds or an HTTP date; undefined when absent or unreadable.
 */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1_000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The settlement of one `write` call: its points still unanswered, the first failure, the rejected. */
interface Receipt {
  remaining: number;
  failure?: Error;
  rejected: RejectedPoint[];
  resolve(receipt: WriteReceipt): void;
  reject(error: Error): void;
}

/** A point waiting for the server's answer. */
interface Entry {
  point: SeriesPoint;
  line: string;
  receipt: Receipt;
}

/** The last refusal for the configuration, for `check()`. */
interface Refusal {
  status: number;
  message: string;
  at: Date;
}

/** The InfluxDB {@linkcode SeriesSink}. Create it with {@linkcode openInfluxSeries}. */
export class InfluxSeries implements SeriesSink {
  readonly backend = "influx" as const;
  readonly #writeUrl: string;
  readonly #url: string;
  readonly #token: string;
  readonly #location: string;
  readonly #max: number;
  readonly #batchSize: number;
  readonly #flushIntervalMs: number;
  readonly #retryDelayMs: { min: number; max: number };
  readonly #maxRetryAfterMs: number;
  readonly #maxInFlight: number;
  readonly #requestTimeoutMs: number;
  readonly #closeTimeoutMs: number;
  readonly #flushTimeoutMs: number;
  readonly #log: Logger;
  /** Points of the batch being filled. */
  #filling: Entry[] = [];
  #fillTimer?: ReturnType<typeof setTimeout>;
  /** Batches waiting to be sent, in order: those sent again (after a failure, or halves) first. */
  #ready: Entry[][] = [];
  #inFlight = new Set<Entry[]>();
  #requests = new Set<AbortController>();
  /** No batch is sent before this (epoch ms): backoff after a transient failure, or `Retry-After`. */
  #pausedUntil = 0;
  #wakeTimer?: ReturnType<typeof setTimeout>;
  /** Transient failures since the last confirmed batch. */
  #failures = 0;
  #pending = 0;
  #lastError?: string;
  #closed = false;
  /** Set when `close()` gave up: answers that still arrive are ignored. */
  #abandoned = false;
  #confirmed = 0;
  #refused = 0;
  #rejected = 0;
  #dropped = 0;
  /** Set by a refusal for the configuration, cleared by the next confirmed write. */
  #refusal?: Refusal;

  constructor(options: InfluxSeriesOptions) {
    this.#max = options.maxBuffered ?? 100_000;
    this.#batchSize = options.batchSize ?? 1_000;
    this.#flushIntervalMs = options.flushIntervalMs ?? 1_000;
    this.#retryDelayMs = options.retryDelayMs ?? { min: 500, max: 10_000 };
    this.#maxRetryAfterMs = options.maxRetryAfterMs ?? 300_000;
    this.#maxInFlight = options.maxInFlight ?? 4;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 3_000;
    this.#flushTimeoutMs = options.flushTimeoutMs ?? 10_000;
    this.#url = options.url.replace(/\/+$/, "");
    this.#token = options.token;
    this.#writeUrl = `${this.#url}/api/v2/write?${new URLSearchParams({
      org: options.org,
      bucket: options.bucket,
      precision: "ms",
    })}`;
    this.#location = `${maskUrl(options.url)} (org ${options.org}, bucket ${options.bucket})`;
    this.#log = options.log.child({ store: "series" });
  }

  /** Points accepted and not yet answered by the server. */
  get buffered(): number {
    return this.#pending;
  }

  stats(): SeriesStats {
    return {
      buffered: this.#pending,
      maxBuffered: this.#max,
      confirmed: this.#confirmed,
      refused: this.#refused,
      rejected: this.#rejected,
      dropped: this.#dropped,
      refusing: this.#refusal !== undefined,
    };
  }

  /**
   * Queues `points` for writing. The promise resolves, with the points the server rejected for good,
   * once it answered for all of them and confirmed the others; it rejects once the last of them was
   * answered if any was refused for the configuration or given up.
   *
   * @throws {BackpressureError} when the buffer cannot take them all (nothing is queued then).
   * @throws {TypeError} for a point without fields or with a non-finite field.
   */
  write(points: SeriesPoint[]): Promise<WriteReceipt> {
    if (this.#closed) throw new Error("The series sink is closed");
    if (this.#pending + points.length > this.#max) {
      throw new BackpressureError(
        "series",
        `InfluxDB at ${this.#location} has ${this.#pending} points waiting (max ${this.#max}); retry later`,
      );
    }
    const lines = points.map(toLine);
    if (lines.length === 0) return Promise.resolve({ rejected: [] });
    const { promise, resolve, reject } = Promise.withResolvers<WriteReceipt>();
    const receipt: Receipt = { remaining: lines.length, rejected: [], resolve, reject };
    this.#pending += lines.length;
    for (let i = 0; i < lines.length; i++) {
      this.#filling.push({ point: points[i], line: lines[i], receipt });
      if (this.#filling.length >= this.#batchSize) this.#seal();
    }
    if (this.#filling.length > 0 && this.#fillTimer === undefined) {
      this.#fillTimer = setTimeout(() => this.#seal(), this.#flushIntervalMs);
    }
    return promise;
  }

  /** Ends the batch being filled and sends it when its turn comes. */
  #seal(): void {
    clearTimeout(this.#fillTimer);
    this.#fillTimer = undefined;
    if (this.#filling.length > 0) this.#ready.push(this.#filling.splice(0));
    this.#pump();
  }

  /** Sends ready batches, up to `maxInFlight` at a time, unless sending is paused. */
  #pump(): void {
    if (this.#abandoned || this.#ready.length === 0) return;
    const wait = this.#pausedUntil - Date.now();
    if (wait > 0) {
      if (this.#wakeTimer === undefined) {
        this.#wakeTimer = setTimeout(() => {
          this.#wakeTimer = undefined;
          this.#pump();
        }, wait);
      }
      return;
    }
    while (this.#inFlight.size < this.#maxInFlight && this.#ready.length > 0) {
      const batch = this.#ready.shift()!;
      this.#inFlight.add(batch);
      this.#send(batch).finally(() => {
        this.#inFlight.delete(batch);
        this.#pump();
      });
    }
  }

  /** Sends one batch and handles the answer as its class says. */
  async #send(batch: Entry[]): Promise<void> {
    const controller = new AbortController();
    this.#requests.add(controller);
    const timer = setTimeout(
      () => controller.abort(new Error(`no answer within ${this.#requestTimeoutMs} ms`)),
      this.#requestTimeoutMs,
    );
    let status: number;
    let message: string;
    let retryAfter: number | undefined;
    try {
      const res = await fetch(this.#writeUrl, {
        method: "POST",
        headers: {
          Authorization: `Token ${this.#token}`,
          "Content-Type": "text/plain; charset=utf-8",
        },
        body: batch.map((e) => e.line).join("\n"),
        signal: controller.signal,
      });
      status = res.status;
      message = errorMessage(await res.text()) || res.statusText || "no message";
      retryAfter = retryAfterMs(res.headers.get("retry-after"));
    } catch (error) {
      if (this.#abandoned) return; // close() gave up on it
      return this.#retry(batch, error instanceof Error ? error.message : String(error));
    } finally {
      clearTimeout(timer);
      this.#requests.delete(controller);
    }
    if (this.#abandoned) return;
    switch (classifyAnswer(status)) {
      case "confirmed":
        return this.#confirm(batch);
      case "transient":
        return this.#retry(batch, `HTTP ${status} ${message}`, retryAfter);
      case "data":
        return this.#isolate(batch, status, message);
      case "configuration":
        return this.#refuse(batch, status, message);
    }
  }

  #confirm(batch: Entry[]): void {
    this.#pending -= batch.length;
    this.#confirmed += batch.length;
    this.#failures = 0;
    this.#lastError = undefined;
    this.#refusal = undefined;
    for (const entry of batch) settle(entry);
  }

  /** A transient failure: the batch goes first when sending resumes, after backoff or `Retry-After`. */
  #retry(batch: Entry[], error: string, retryAfter?: number): void {
    this.#lastError = error;
    // Retry-After, but never sooner than the first retry delay (a "0" must not make a busy loop)
    const delay = retryAfter !== undefined
      ? Math.min(Math.max(retryAfter, this.#retryDelayMs.min), this.#maxRetryAfterMs)
      : backoffDelay(Math.min(this.#failures, 30), {
        minDelayMs: this.#retryDelayMs.min,
        maxDelayMs: this.#retryDelayMs.max,
      });
    this.#failures++;
    this.#pausedUntil = Math.max(this.#pausedUntil, Date.now() + delay);
    this.#ready.unshift(batch);
    // once per streak of failures; check() shows the rest (degraded, with the last error)
    const level = this.#failures === 1 ? "warn" : "debug";
    this.#log[level]("influxdb write failed; retrying", { count: batch.length, retryInMs: delay, error });
  }

  /**
   * A refusal about the data: halves of the batch are sent again (first, without waiting) until the
   * point at fault is alone; a point refused alone is rejected for good. A partial write InfluxDB says
   * dropped every point of the batch (`dropped=N`, e.g. all of them outside the bucket's retention) is
   * rejected whole, without halving it down to each point.
   */
  #isolate(batch: Entry[], status: number, message: string): void {
    if (batch.length > 1 && droppedCount(message) !== batch.length) {
      const half = Math.ceil(batch.length / 2);
      this.#ready.unshift(batch.slice(0, half), batch.slice(half));
      return;
    }
    this.#pending -= batch.length;
    this.#rejected += batch.length;
    for (const entry of batch) {
      entry.receipt.rejected.push({ point: entry.point, line: entry.line, status, reason: message });
    }
    this.#log.warn("influxdb rejected points for good", {
      count: batch.length,
      status,
      reason: message,
      line: batch[0].line.slice(0, 300),
      rejectedTotal: this.#rejected,
    });
    for (const entry of batch) settle(entry);
  }

  /** A refusal about the configuration: the points are handed back, and `check()` says so. */
  #refuse(batch: Entry[], status: number, message: string): void {
    this.#pending -= batch.length;
    this.#refused += batch.length;
    this.#lastError = `HTTP ${status} ${message}`;
    this.#refusal = { status, message, at: new Date() };
    this.#log.error("influxdb refused points", {
      count: batch.length,
      status,
      error: message,
      refusedTotal: this.#refused,
    });
    const failure = new Error(`InfluxDB refused the write: HTTP ${status} ${message}`);
    for (const entry of batch) settle(entry, failure);
  }

  /**
   * Sends the batch being filled now and waits until the server answered for every point (retries
   * keep their schedule).
   *
   * @throws {StoreUnavailableError} when points are still unanswered after `flushTimeoutMs`, or when
   * the server refused points meanwhile for the configuration.
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
    this.#seal();
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
    }
  }

  async check(): Promise<StoreStatus> {
    const base = { store: "series", backend: "InfluxDB", required: false, location: this.#location };
    let detail = `${this.#pending} points buffered (max ${this.#max})`;
    if (this.#refused + this.#rejected + this.#dropped > 0) {
      detail += `, ${this.#refused} refused, ${this.#rejected} rejected for good and ${this.#dropped} ` +
        "dropped since start";
    }
    const refusal = this.#refusal;
    if (refusal) {
      // Answering, but refusing the configuration: the mirror is not working until a write succeeds.
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
   * Flushes (retrying up to `closeTimeoutMs`), then closes; points still unanswered are counted as
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
    this.#abandoned = true;
    clearTimeout(this.#wakeTimer);
    clearTimeout(this.#fillTimer);
    for (const controller of this.#requests) controller.abort(new Error("the series sink closed"));
    const left = [...this.#ready.splice(0), ...this.#inFlight, this.#filling.splice(0)].flat();
    this.#inFlight.clear();
    this.#dropped += left.length;
    this.#pending = 0;
    const failure = new StoreUnavailableError(
      "series",
      "The series sink closed before InfluxDB confirmed the points",
    );
    for (const entry of left) settle(entry, failure);
  }
}

/** Answers one point of a receipt: confirmed (or rejected, already listed), or failed with `failure`. */
function settle(entry: Entry, failure?: Error): void {
  const receipt = entry.receipt;
  if (failure && !receipt.failure) receipt.failure = failure;
  if (--receipt.remaining > 0) return;
  if (receipt.failure) receipt.reject(receipt.failure);
  else receipt.resolve({ rejected: receipt.rejected });
}

/** How many points a partial write dropped, from InfluxDB 2's message ("... dropped=3"), if it says. */
function droppedCount(message: string): number | undefined {
  const match = /\bdropped=(\d+)\b/.exec(message);
  return match ? Number(match[1]) : undefined;
}

/** The message of an InfluxDB error answer (`{"code", "message"}`), or its text ("" when empty). */
function errorMessage(text: string): string {
  try {
    const parsed = JSON.parse(text);
    if (typeof parsed?.message === "string") return parsed.message;
  } catch { /* not JSON */ }
  return text.trim().slice(0, 500);
}

/** Timestamps in milliseconds, the precision every write request names. */
const LINE_SETTINGS = {
  convertTime: (value: string | number | Date | undefined) =>
    value instanceof Date ? String(value.getTime()) : value === undefined ? undefined : String(value),
};

/** Converts a point to line protocol. */
function toLine(point: SeriesPoint): string {
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
  const line = p.toLineProtocol(LINE_SETTINGS);
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
  const message = errorMessage(text);
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

/**
 * Probes the server, checks that the token may write to the org and bucket, and opens the sink.
 *
 * @throws {StoreUnavailableError} naming the URL (password masked) when the server does not answer, or
 * when it refuses writes with this token, org and bucket.
 */
export async function openInfluxSeries(options: InfluxSeriesOptions): Promise<InfluxSeries> {
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
