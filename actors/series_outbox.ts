/**
 * The series outbox, in the main isolate: what the group commit mirrored to the series sink (InfluxDB)
 * and InfluxDB has not confirmed yet, kept in PostgreSQL (`series_outbox`, migrations 0150 and 0170).
 *
 * Messages are acknowledged after the PostgreSQL commit, while InfluxDB confirms their points a moment
 * later (batches, retries while it is down). So the commit also writes, in the same transaction, one row
 * per sink and time range of the points it mirrored; the row is deleted once InfluxDB answered for good
 * for every one of them. What a crash, a stop past the grace period or a write refused for the
 * configuration (token, org, bucket) leaves is mirrored again from the readings: at start every row left
 * by an earlier process, later every row whose write failed, with backoff per row while InfluxDB keeps
 * refusing. Nothing acknowledged is missing from the mirror without a row saying so, and the rows are
 * counted on `/metrics`.
 *
 * A range is mirrored again in chunks of at most `pageSize` readings (more only when one timestamp holds
 * more), in timestamp order; once InfluxDB answered for a chunk and every chunk before it, the row's
 * `mirrored_through` moves to its last timestamp, so a retry or a restart resumes there instead of at
 * the range's start. A pass takes at most half the sink's free buffer; when that leaves ranges, the next
 * pass follows at once rather than after `remirrorIntervalMs`.
 *
 * A point InfluxDB rejects for good (unparsable, outside the bucket's retention: the sink isolates it
 * from the rest of its batch) is recorded in the documents store's `telemetry_events` (`kind`
 * "series_rejected", with InfluxDB's reason, kept 7 days like the dead letters) before its range is
 * deleted or moves past it; it is not retried.
 *
 * A range covers every reading of its sink in it, of this commit or not: mirroring again is idempotent
 * (a point is identified by series and timestamp), and ranges are kept tight by splitting a commit's
 * points where their timestamps are far apart (a late reading does not stretch the range of live ones).
 * @module
 */
import type { Logger } from "../core/log.ts";
import { backoffDelay, type BackoffOptions, sleep } from "../core/retry.ts";
import { BackpressureError } from "../core/errors.ts";
import type { DocumentStore, NewDocument } from "../stores/documents/documents.ts";
import type { Sql, Tx } from "../stores/postgres/client.ts";
import type { RejectedPoint, SeriesPoint, SeriesSink, WriteReceipt } from "../stores/series/series.ts";
import { storableText } from "./payload.ts";
import { type Columns, type Sink, type SinkRows, typedArray } from "./sink.ts";
import { REJECTED_TTL_MS } from "./writer.ts";

/** Ranges read per pass of mirroring again at most. */
const DUE_PER_PASS = 100;

/** Options for {@linkcode SeriesOutbox}. */
export interface SeriesOutboxOptions {
  sql: Sql;
  series: SeriesSink;
  /** Every sink; those with `series` and `seriesSource` are mirrored. */
  sinks: Sink[];
  log: Logger;
  /**
   * Where points InfluxDB rejects for good are recorded (`telemetry_events`); without it only the sink's
   * log names them.
   */
  documents?: DocumentStore;
  /** How often confirmed rows are deleted (in one statement). @default {1000} */
  pollMs?: number;
  /** How often rows InfluxDB did not confirm are looked for and mirrored again. @default {10000} */
  remirrorIntervalMs?: number;
  /** Readings per chunk (and per query) when mirroring a range again. @default {5000} */
  pageSize?: number;
  /** Delay before a range whose mirroring failed is tried again, per attempt. @default {{ minDelayMs: 5000, maxDelayMs: 300000 }} */
  retryBackoff?: BackoffOptions;
  /** How long `stop()` waits for InfluxDB to confirm what is in flight. @default {3000} */
  stopTimeoutMs?: number;
  /** Ranges per sink and commit at most: closer timestamps are merged past it. @default {16} */
  maxRangesPerSink?: number;
}

/** One row of `series_outbox`: a sink's points between two timestamps (epoch ms, inclusive). */
export interface OutboxRange {
  id: string;
  sink: string;
  from: number;
  to: number;
  points: number;
}

/** What a commit mirrored: its ranges, and the sink's answer for its points. */
export interface Mirrored {
  ranges: OutboxRange[];
  receipt: Promise<WriteReceipt>;
}

/** Figures for `/metrics`. */
export interface SeriesOutboxStats {
  /** Ranges recorded by commits. */
  recorded: number;
  /** Ranges deleted after InfluxDB confirmed their points. */
  confirmed: number;
  /** Ranges mirrored again from PostgreSQL to the end (and deleted), and the points sent for them. */
  remirrored: number;
  remirroredPoints: number;
  /** Attempts to mirror a range again that failed (it stays, and is tried again later). */
  failures: number;
  /** Points InfluxDB rejected for good, recorded in `telemetry_events`. */
  rejectedRecorded: number;
  /** Ranges (and their points) in `series_outbox`, as last counted. */
  backlog: number;
  backlogPoints: number;
}

/** A row of `series_outbox` due to be mirrored again. */
interface DueRange extends OutboxRange {
  attempts: number;
  /** `mirrored_through` in epoch ms; null when nothing of the range is done. */
  through: number | null;
}

/** A chunk of a range handed to the sink: its answer, and the last timestamp it covers. */
interface SentChunk {
  receipt: Promise<WriteReceipt>;
  through: number;
  points: number;
}

/** What one pass handed to the sink for a range. */
interface RangePass {
  row: DueRange;
  chunks: SentChunk[];
  /** Every reading of the range up to `to` was read and sent. */
  complete: boolean;
  /** Reading or sending failed (the chunks before it were sent). */
  error?: unknown;
}

/** Where one pass could start reading a range. */
interface Cursor {
  from: number;
  /** Read after `from` rather than at it. */
  after: boolean;
}

/** Keeps `series_outbox` and mirrors again what InfluxDB did not confirm. */
export class SeriesOutbox {
  /** Marks the rows whose answer this process waits for (a later process mirrors them again). */
  readonly owner: string = crypto.randomUUID();
  #o: SeriesOutboxOptions;
  #sinks: Map<string, Sink>;
  #stats: SeriesOutboxStats = {
    recorded: 0,
    confirmed: 0,
    remirrored: 0,
    remirroredPoints: 0,
    failures: 0,
    rejectedRecorded: 0,
    backlog: 0,
    backlogPoints: 0,
  };
  /** Answered rows to delete (with the points InfluxDB rejected, recorded first). */
  #done: { ids: string[]; rejected: RejectedPoint[] }[] = [];
  /** Row ids whose write failed: released, to be mirrored again. */
  #released: string[] = [];
  #tracked = new Set<Promise<void>>();
  #running?: Promise<void>;
  #stop?: AbortController;
  /** The last pass left due ranges for lack of room: the next one need not wait for the interval. */
  #behind = false;

  constructor(options: SeriesOutboxOptions) {
    this.#o = options;
    this.#sinks = new Map(options.sinks.filter((s) => s.series && s.seriesSource).map((s) => [s.name, s]));
  }

  stats(): SeriesOutboxStats {
    return { ...this.#stats };
  }

  /**
   * Hands the points of `merged` (rows per sink) to the series sink, before the commit.
   *
   * @throws {BackpressureError} when the sink's buffer is full (nothing handed over): the batches wait.
   */
  write(merged: Map<string, SinkRows>): Mirrored | undefined {
    const points: SeriesPoint[] = [];
    const ranges: OutboxRange[] = [];
    for (const [name, sink] of this.#sinks) {
      const rows = merged.get(name);
      if (!rows || rows.count === 0) continue;
      const mine = sink.series!(rows.columns, rows.count);
      for (const point of mine) points.push(point);
      ranges.push(...splitRanges(name, mine.map((p) => p.ts), this.#o.maxRangesPerSink ?? 16));
    }
    if (points.length === 0) return undefined;
    const receipt = this.#o.series.write(points);
    receipt.catch(() => {}); // answered in track(), or ignored when the commit fails (nothing recorded)
    return { ranges, receipt };
  }

  /** Records `ranges` in the commit's transaction. */
  async record(tx: Tx, ranges: OutboxRange[]): Promise<number> {
    if (ranges.length === 0) return 0;
    const result = await tx`
      insert into series_outbox (id, sink, from_ts, to_ts, points, owner)
      select u.id, u.sink, to_timestamp(u.f / 1000.0), to_timestamp(u.t / 1000.0), u.n, ${this.owner}::uuid
      from unnest(${typedArray(ranges.map((r) => r.id), "uuid")}::uuid[],
                  ${typedArray(ranges.map((r) => r.sink), "text")}::text[],
                  ${typedArray(ranges.map((r) => r.from), "float8")}::float8[],
                  ${typedArray(ranges.map((r) => r.to), "float8")}::float8[],
                  ${typedArray(ranges.map((r) => r.points), "int4")}::int4[])
        as u(id, sink, f, t, n)`;
    return result.count;
  }

  /**
   * After the commit: the rows go once InfluxDB answered for good for their points (and the points it
   * rejected are recorded), or are released to be mirrored again.
   */
  track(mirrored: Mirrored): void {
    const ids = mirrored.ranges.map((r) => r.id);
    this.#stats.recorded += ids.length;
    const settled: Promise<void> = mirrored.receipt.then(
      ({ rejected }) => {
        this.#done.push({ ids, rejected });
        this.#stats.confirmed += ids.length;
      },
      () => {
        for (const id of ids) this.#released.push(id);
      },
    ).finally(() => this.#tracked.delete(settled));
    this.#tracked.add(settled);
  }

  /** Starts the background loop: deletes confirmed rows, mirrors again what was not confirmed. */
  start(): void {
    if (this.#running) return;
    this.#stop = new AbortController();
    this.#running = this.#loop(this.#stop.signal).finally(() => (this.#running = undefined));
  }

  /**
   * Stops the loop, gives InfluxDB up to `stopTimeoutMs` to confirm what is in flight, deletes what it
   * confirmed, and logs what stays recorded for the next start.
   */
  async stop(): Promise<void> {
    this.#stop?.abort();
    await this.#running;
    if (this.#tracked.size > 0) {
      const timeout = new AbortController();
      this.#o.series.flush().catch(() => {}); // sends now rather than at the next interval
      await Promise.race([
        Promise.allSettled([...this.#tracked]),
        sleep(this.#o.stopTimeoutMs ?? 3_000, timeout.signal).catch(() => {}),
      ]);
      timeout.abort();
    }
    const waiting = this.#tracked.size;
    try {
      await this.#settle();
      await this.#count();
    } catch (error) {
      this.#o.log.error("series outbox: confirmed rows could not be deleted; they are mirrored again", {
        error,
      });
    }
    const { backlog, backlogPoints } = this.#stats;
    if (backlog > 0) {
      this.#o.log.warn(
        "series outbox: readings InfluxDB has not confirmed stay recorded in series_outbox and are mirrored again from PostgreSQL at the next start",
        { ranges: backlog, points: backlogPoints, unansweredCommits: waiting },
      );
    }
  }

  /**
   * Records the points InfluxDB rejected, then deletes the answered rows; releases failed ones (one
   * statement each).
   */
  async #settle(): Promise<void> {
    const { sql } = this.#o;
    if (this.#done.length > 0) {
      const done = this.#done.splice(0);
      try {
        await this.#recordRejected(done.flatMap((d) => d.rejected));
        const ids = done.flatMap((d) => d.ids);
        await sql`delete from series_outbox where id = any(${typedArray(ids, "uuid")}::uuid[])`;
      } catch (error) {
        this.#done.unshift(...done);
        throw error;
      }
    }
    if (this.#released.length > 0) {
      const ids = this.#released.splice(0);
      await sql`
        update series_outbox set owner = null
        where id = any(${typedArray(ids, "uuid")}::uuid[])`
        .catch((error) => (this.#released.push(...ids), Promise.reject(error)));
    }
  }

  /**
   * Records points InfluxDB rejected for good in `telemetry_events` (idempotent: the document id is
   * derived from the point). A failure is the caller's: its rows stay and are tried again later.
   */
  async #recordRejected(rejected: RejectedPoint[]): Promise<void> {
    if (rejected.length === 0) return;
    const documents = this.#o.documents;
    if (documents) {
      await documents.insert("telemetry_events", await Promise.all(rejected.map(seriesRejectedDocument)));
    }
    this.#stats.rejectedRecorded += rejected.length;
  }

  async #count(): Promise<void> {
    const [row] = await this.#o.sql<{ n: number; points: number }[]>`
      select count(*)::int as n, coalesce(sum(points), 0)::float8 as points from series_outbox`;
    this.#stats.backlog = row.n;
    this.#stats.backlogPoints = row.points;
  }

  async #loop(signal: AbortSignal): Promise<void> {
    const every = this.#o.remirrorIntervalMs ?? 10_000;
    let nextPass = 0; // at once: rows a crash or a hard stop left
    while (!signal.aborted) {
      try {
        await this.#settle();
        if (Date.now() >= nextPass) {
          await this.remirrorOnce(signal);
          nextPass = this.#behind ? 0 : Date.now() + every;
          await this.#count();
        }
      } catch (error) {
        if (!signal.aborted) {
          this.#o.log.warn("series outbox: a pass failed; its rows stay, retrying", { error });
        }
      }
      await sleep(this.#o.pollMs ?? 1_000, signal).catch(() => {}); // rejects on stop
    }
  }

  /**
   * Mirrors again, from PostgreSQL, the ranges no writer of this process waits for (left by an earlier
   * process, or released after a failed write) that are due, each from where it was left
   * (`mirrored_through`), in chunks, as many as half the sink's free buffer takes; then waits for
   * InfluxDB's answers, moving each range's `mirrored_through` as its chunks are answered in order.
   * Returns the ranges mirrored to their end (and deleted).
   */
  async remirrorOnce(signal?: AbortSignal): Promise<number> {
    const { sql, series } = this.#o;
    const { buffered, maxBuffered } = series.stats();
    let room = Math.floor(maxBuffered / 2) - buffered;
    if (room <= 0) return 0;
    const due = await sql<DueRange[]>`
      select id, sink, (extract(epoch from from_ts) * 1000)::float8 as "from",
             (extract(epoch from to_ts) * 1000)::float8 as "to", points, attempts,
             (extract(epoch from mirrored_through) * 1000)::float8 as "through"
      from series_outbox
      where (owner is null or owner <> ${this.owner}::uuid) and next_at <= now()
      order by from_ts limit ${DUE_PER_PASS}`;
    const passes: RangePass[] = [];
    let full = false;
    for (const row of due) {
      if (room <= 0 || full || signal?.aborted) break;
      const pass: RangePass = { row, chunks: [], complete: false };
      passes.push(pass);
      const sink = this.#sinks.get(row.sink);
      if (!sink) {
        pass.error = new Error(`No sink named ${row.sink} is mirrored`);
        continue;
      }
      let cursor: Cursor = row.through === null
        ? { from: row.from, after: false }
        : { from: row.through, after: true };
      try {
        while (room > 0 && !signal?.aborted) {
          const chunk = await this.#chunk(sink, cursor, row.to);
          if (chunk.points.length > 0) {
            const receipt = series.write(chunk.points);
            receipt.catch(() => {}); // answered below, or left to the next pass when stopping
            pass.chunks.push({ receipt, through: chunk.through, points: chunk.points.length });
            room -= chunk.points.length;
            cursor = { from: chunk.through, after: true };
          }
          if (chunk.last) {
            pass.complete = true;
            break;
          }
        }
      } catch (error) {
        // full: what was sent is answered below and the rest waits; anything else fails this range
        if (error instanceof BackpressureError) full = true;
        else pass.error = error;
      }
    }
    let finished = 0;
    let partial = false;
    for (const pass of passes) {
      const answered = await this.#answer(pass, signal);
      if (answered === "finished") finished++;
      if (answered === "partial") partial = true;
      if (answered === "stopped") break; // stopping: what is not answered stays for the next start
    }
    // ranges were left for lack of room (or more are due): the loop goes on without waiting for the interval
    this.#behind = partial || passes.length < due.length || due.length === DUE_PER_PASS;
    return finished;
  }

  /**
   * Waits for the answers to a range's chunks in order, moving `mirrored_through` after each; deletes
   * the range once every chunk to its end is answered, or schedules a retry when one failed.
   */
  async #answer(
    pass: RangePass,
    signal?: AbortSignal,
  ): Promise<"finished" | "partial" | "failed" | "stopped"> {
    const { sql } = this.#o;
    const { row } = pass;
    let failure = pass.error;
    let stopped = false;
    for (const chunk of pass.chunks) {
      // InfluxDB down: a receipt settles only when it answers or the sink closes, after this stops
      const result = await untilAborted(settled(chunk.receipt), signal);
      if (!result) {
        stopped = true;
        break;
      }
      if (result.status === "rejected") {
        failure = result.reason;
        break;
      }
      try {
        await this.#recordRejected(result.value.rejected);
      } catch (error) {
        failure = error;
        break;
      }
      await sql`
        update series_outbox set mirrored_through = to_timestamp(${chunk.through}::float8 / 1000.0)
        where id = ${row.id}::uuid`;
      this.#stats.remirroredPoints += chunk.points;
    }
    if (stopped) return "stopped";
    if (failure === undefined) {
      if (!pass.complete) return "partial"; // out of room: the next pass goes on from mirrored_through
      await sql`delete from series_outbox where id = ${row.id}::uuid`;
      this.#stats.remirrored++;
      return "finished";
    }
    this.#stats.failures++;
    const delayMs = backoffDelay(
      Math.min(row.attempts, 20),
      this.#o.retryBackoff ?? { minDelayMs: 5_000, maxDelayMs: 300_000 },
    );
    const error = failure instanceof Error ? failure.message : String(failure);
    await sql`
      update series_outbox
      set attempts = attempts + 1, next_at = now() + ${delayMs} * interval '1 millisecond', last_error = ${error}
      where id = ${row.id}::uuid`;
    this.#o.log.warn("series outbox: mirroring a range again failed; retrying later", {
      sink: row.sink,
      from: new Date(row.from).toISOString(),
      to: new Date(row.to).toISOString(),
      attempts: row.attempts + 1,
      retryInMs: delayMs,
      error,
    });
    return "failed";
  }

  /**
   * The next chunk of `sink`'s readings from `cursor` to `to` (epoch ms, inclusive): at most `pageSize`
   * readings, ending with a whole timestamp (one timestamp with more readings than that is read whole),
   * the last timestamp it holds, and whether it is the range's last.
   */
  async #chunk(
    sink: Sink,
    cursor: Cursor,
    to: number,
  ): Promise<{ points: SeriesPoint[]; through: number; last: boolean }> {
    const limit = this.#o.pageSize ?? 5_000;
    const rows = await this.#select(sink, { ...cursor, to, limit });
    const ts = rows.columns.ts as number[];
    const last = ts[rows.count - 1];
    if (rows.count < limit) {
      return { points: sink.series!(rows.columns, rows.count), through: last, last: true };
    }
    // The page may end inside a timestamp: stop before it (the next chunk starts at it), unless it
    // fills the page alone, then read it whole.
    const before = ts.findIndex((t) => t === last);
    if (before === 0) {
      const at = await this.#select(sink, { from: last, after: false, to: last });
      return { points: sink.series!(at.columns, at.count), through: last, last: last >= to };
    }
    const columns: Columns = {};
    for (const [name, values] of Object.entries(rows.columns)) columns[name] = values.slice(0, before);
    return { points: sink.series!(columns, before), through: ts[before - 1], last: false };
  }

  async #select(
    sink: Sink,
    range: { from: number; after: boolean; to: number; limit?: number },
  ): Promise<SinkRows> {
    const source = sink.seriesSource!;
    const select = Object.entries(source.columns).map(([name, expr]) => `${expr} as "${name}"`);
    select.push(`(extract(epoch from ts) * 1000)::float8 as "ts"`);
    const where = [
      `ts ${range.after ? ">" : ">="} to_timestamp($1::float8 / 1000.0)`,
      "ts <= to_timestamp($2::float8 / 1000.0)",
      ...(source.where ? [`(${source.where})`] : []),
    ];
    // the table, columns and filter are the sink's own constants, never input
    const rows = await this.#o.sql.unsafe(
      `select ${select.join(", ")} from ${source.table} where ${where.join(" and ")} order by ts${
        range.limit ? ` limit ${Math.floor(range.limit)}` : ""
      }`,
      [range.from, range.to],
    );
    const columns: Columns = {};
    for (const name of [...Object.keys(source.columns), "ts"]) columns[name] = rows.map((r) => r[name]);
    return { count: rows.length, columns };
  }
}

/**
 * Splits a sink's point timestamps into ranges, starting a new one where the gap to the next timestamp
 * is wider than 1 s; past `max` ranges the gap allowed doubles until they fit.
 */
export function splitRanges(sink: string, timestamps: number[], max: number): OutboxRange[] {
  if (timestamps.length === 0) return [];
  const sorted = timestamps.toSorted((a, b) => a - b);
  for (let gap = 1_000;; gap *= 2) {
    const ranges: OutboxRange[] = [];
    let start = 0;
    for (let i = 1; i <= sorted.length; i++) {
      if (i < sorted.length && sorted[i] - sorted[i - 1] <= gap) continue;
      ranges.push({
        id: crypto.randomUUID(),
        sink,
        from: sorted[start],
        to: sorted[i - 1],
        points: i - start,
      });
      start = i;
    }
    if (ranges.length <= max) return ranges;
  }
}

/** `promise`'s outcome, as `Promise.allSettled` gives it. */
async function settled<T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  const [result] = await Promise.allSettled([promise]);
  return result;
}

/** The entity a point's tags name, as telemetry events name it (`plant`, `ven`, `site`). */
const ENTITY_TAGS = [["plant_id", "plant"], ["ven_id", "ven"], ["site_id", "site"]] as const;

/**
 * A `telemetry_events` document for a point InfluxDB rejected for good, beside the dead letters (kind
 * `series_rejected`). Its id is derived from the point's line, so recording it again is a no-op.
 */
export async function seriesRejectedDocument(rejected: RejectedPoint): Promise<NewDocument> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(rejected.line)),
  );
  const hex = Array.from(digest.subarray(0, 16), (b) => b.toString(16).padStart(2, "0")).join("");
  const entity = ENTITY_TAGS.find(([tag]) => rejected.point.tags[tag] !== undefined);
  const now = Date.now();
  return {
    id: `series-${hex}`,
    timestamp: new Date(now),
    expiresAt: new Date(now + REJECTED_TTL_MS),
    kind: "series_rejected",
    reason: storableText(`InfluxDB HTTP ${rejected.status}: ${rejected.reason}`),
    topic: null,
    payload: storableText(rejected.line),
    entityKind: entity?.[1] ?? null,
    entityId: entity ? rejected.point.tags[entity[0]] : null,
    shard: null,
    measurement: rejected.point.measurement,
    readingAt: new Date(rejected.point.ts).toISOString(),
  };
}

/** `promise`'s value, or undefined as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T | undefined> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => (signal.removeEventListener("abort", onAbort), resolve(value)),
      (error) => (signal.removeEventListener("abort", onAbort), reject(error)),
    );
  });
}
