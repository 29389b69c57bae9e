/**
 * The series sink role: readings mirrored to InfluxDB 2 for long-range analytics, when `INFLUX_URL` is
 * set (`influx/`). Off otherwise: PostgreSQL stays the system of record.
 * @module
 */
import type { StoreStatus } from "../status.ts";

/** One point in InfluxDB line-protocol terms. */
export interface SeriesPoint {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, number>;
  /** Epoch milliseconds. */
  ts: number;
}

/** Figures for `/metrics`; counts are points since the sink opened. */
export interface SeriesStats {
  /** Accepted and not yet confirmed by the server. */
  buffered: number;
  /** The most `buffered` may reach before `write` throws `BackpressureError`. */
  maxBuffered: number;
  /** Confirmed by the server. */
  confirmed: number;
  /** Refused by the server (HTTP 4xx other than 429: bad token, unknown org or bucket, bad data). */
  refused: number;
  /** Given up without an answer (dropped by the client, or still unconfirmed when the sink closed). */
  dropped: number;
  /** Whether the last write the server answered was refused (cleared by the next confirmed write). */
  refusing: boolean;
}

/**
 * Accepts points into a bounded buffer, writes them in batches with retries, and flushes on close.
 * `write` throws `BackpressureError` when the buffer is full (the server has been unreachable too long),
 * so the caller holds its acknowledgements instead of losing points. The promise it returns settles
 * once the server answered for every one of those points: it resolves when all were confirmed and
 * rejects when any was refused or given up, so the caller knows what the mirror is missing (every
 * caller must handle that rejection).
 */
export interface SeriesSink {
  readonly backend: "influx";
  write(points: SeriesPoint[]): Promise<void>;
  flush(): Promise<void>;
  check(): Promise<StoreStatus>;
  stats(): SeriesStats;
  close(): Promise<void>;
}
