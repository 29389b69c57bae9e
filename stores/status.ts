/**
 * The health of one store as `/api/ready` reports it. Every adapter exposes `check()` returning this.
 * @module
 */

/** `up`: answering; `degraded`: answering slowly or buffering while it reconnects; `down`: not answering. */
export type StoreState = "up" | "degraded" | "down";

/** What `/api/ready` shows for one store. */
export interface StoreStatus {
  /** Role: `postgres`, `documents`, `series`, `cache`, `mqtt`, `runtime`. */
  store: string;
  /** Which implementation serves it, e.g. `embedded PGlite`, `PostgreSQL`, `Redis`, `in-process`, `off`. */
  backend: string;
  state: StoreState;
  /** Whether GridPulse cannot serve without it (a required store that is down makes `/api/ready` 503). */
  required: boolean;
  latencyMs?: number;
  /** Where it is (URL with password masked, or a data directory). */
  location?: string;
  /** The last error, when not up. */
  error?: string;
  /** Anything an operator should know (e.g. "not crash-safe", "412 writes buffered"). */
  detail?: string;
}
