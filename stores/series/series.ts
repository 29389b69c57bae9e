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

/** A point the server refused for good (it will never accept it), and why. */
export interface RejectedPoint {
  point: SeriesPoint;
  /** The point in line protocol, as sent. */
  line: string;
  /** The HTTP status of the refusal: 400 (unparsable), 413 (too large) or 422 (e.g. outside retention). */
  status: number;
  /** The server's message. */
  reason: string;
}

/** The server's answer for the points of one `write`: every one confirmed, except `rejected`. */
export interface WriteReceipt {
  rejected: RejectedPoint[];
}

/** Figures for `/metrics`; counts are points since the sink opened. */
export interface SeriesStats {
  /** Accepted and not yet answered by the server. */
  buffered: number;
  /** The most `buffered` may reach before `write` throws `BackpressureError`. */
  maxBuffered: number;
  /** Confirmed by the server. */
  confirmed: number;
  /**
   * Refused because of the configuration (HTTP 401, 403, 404: a wrong or revoked token, an unknown org
   * or bucket) and handed back to the caller, which mirrors them again later.
   */
  refused: number;
  /** Refused for good (HTTP 400, 413, 422 for the point alone): given up and reported to the caller. */
  rejected: number;
  /** Given up without an answer (still unanswered when the sink closed). */
  dropped: number;
  /** Whether the last write the server answered was refused for its configuration (cleared by the next confirmed write). */
  refusing: boolean;
}

/**
 * Accepts points into a bounded buffer, writes them in batches with retries, and flushes on close.
 * `write` throws `BackpressureError` when the buffer is full (the server has been unreachable too long),
 * so the caller holds its acknowledgements instead of losing points. The promise it returns settles
 * once the server answered for good for every one of those points: it resolves with the points the
 * server rejected (it will never take them) when all others were confirmed, and rejects when any point
 * was neither confirmed nor rejected (refused for the configuration, or unanswered when the sink
 * closed), so the caller knows what the mirror is missing (every caller must handle that rejection).
 */
export interface SeriesSink {
  readonly backend: "influx";
  write(points: SeriesPoint[]): Promise<WriteReceipt>;
  flush(): Promise<void>;
  check(): Promise<StoreStatus>;
  stats(): SeriesStats;
  close(): Promise<void>;
}
