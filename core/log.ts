/**
 * Structured logging: one JSON object per line, with the fields of the component that logs
 * (`actor`, `shard`, `worker`, `store`...). Levels below the configured one are dropped.
 *
 * @example
 * ```ts
 * import { createLogger } from "./core/log.ts";
 * const log = createLogger({ level: "info" }).child({ shard: 3 });
 * log.info("shard started", { actors: 120 });
 * ```
 * @module
 */

/** Log levels, in increasing severity. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A structured logger. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `fields` to every line. */
  child(fields: Record<string, unknown>): Logger;
}

/** Options for {@linkcode createLogger}. */
export interface LoggerOptions {
  /** Lowest level written. @default {"info"} */
  level?: LogLevel;
  /** Fields added to every line. @default {{}} */
  fields?: Record<string, unknown>;
  /** Where lines go. @default {writes to stderr} */
  write?: (line: string) => void;
}

const encoder = new TextEncoder();
const stderrWrite = (line: string) => {
  try {
    Deno.stderr.writeSync(encoder.encode(line + "\n"));
  } catch {
    // stderr closed (test harness teardown): nowhere left to report to
  }
};

function serializeError(value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  const out: Record<string, unknown> = { name: value.name, message: value.message };
  if (value.cause !== undefined) out.cause = serializeError(value.cause);
  return out;
}

/** Creates a {@linkcode Logger}. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? "info";
  const base = options.fields ?? {};
  const write = options.write ?? stderrWrite;
  const emit = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (RANK[lvl] < RANK[level]) return;
    const line: Record<string, unknown> = { ts: new Date().toISOString(), level: lvl, msg, ...base };
    if (fields) { for (const [k, v] of Object.entries(fields)) line[k] = serializeError(v); }
    write(JSON.stringify(line));
  };
  return {
    debug: (msg, fields) => emit("debug", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    error: (msg, fields) => emit("error", msg, fields),
    child: (fields) => createLogger({ level, write, fields: { ...base, ...fields } }),
  };
}

/** A logger that writes nothing; for tests. */
export const silentLogger: Logger = createLogger({ write: () => {} });
