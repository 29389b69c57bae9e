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

/**
 * Accepts points into a bounded buffer, writes them in batches with retries, and flushes on close.
 * `write` throws `BackpressureError` when the buffer is full (the server has been unreachable too long),
 * so the caller holds its acknowledgements instead of losing points.
 */
export interface SeriesSink {
  readonly backend: "influx";
  write(points: SeriesPoint[]): void;
  flush(): Promise<void>;
  check(): Promise<StoreStatus>;
  close(): Promise<void>;
}
