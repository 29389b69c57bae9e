/**
 * GridPulse configuration: read once from the environment at start-up into one typed, validated
 * object. Nothing else in the code base reads `Deno.env`.
 *
 * @example
 * ```ts
 * import { loadConfig } from "./core/config.ts";
 * const config = loadConfig(Deno.env.toObject());
 * console.log(config.port);
 * ```
 * @module
 */
import { z } from "zod";

const url = (protocols: string[]) =>
  z.string().trim().min(1).refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}` });

const port = z.coerce.number({ message: "must be a number" }).int("must be a whole number").min(
  0,
  "must be 0-65535",
)
  .max(65535, "must be 0-65535");

const positiveInt = (fallback: number) =>
  z.coerce.number({ message: "must be a number" }).int("must be a whole number").positive("must be positive")
    .default(fallback);

const onOff = z.string().trim().toLowerCase().pipe(
  z.enum(["on", "off", "true", "false", "1", "0", "yes", "no"], {
    message: "must be on or off",
  }),
).transform((v) => ["on", "true", "1", "yes"].includes(v));

/** Days to keep data: 0 keeps it forever; else at least 2 (a rollup bucket is repaired from its readings). */
const retentionDays = z.coerce.number({ message: "must be a number" }).int("must be a whole number")
  .min(0, "must be 0 (keep forever) or at least 2").max(36_500, "must be at most 36500")
  .refine((d) => d === 0 || d >= 2, "must be 0 (keep forever) or at least 2");

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), schema.optional());

/** The environment variables GridPulse reads, each with its default and effect (the README's table). */
export const ENV_SCHEMA = z.object({
  PORT: optional(port).transform((v) => v ?? 8000),
  HOST: optional(z.string().trim().min(1)).transform((v) => v ?? "0.0.0.0"),
  DATABASE_URL: optional(url(["postgres:", "postgresql:"])),
  MONGO_URL: optional(url(["mongodb:", "mongodb+srv:"])),
  MONGO_DB: optional(z.string().trim().regex(/^[A-Za-z0-9_-]{1,63}$/, "must be a MongoDB database name"))
    .transform((v) => v ?? "gridpulse"),
  INFLUX_URL: optional(url(["http:", "https:"])),
  INFLUX_TOKEN: optional(z.string().trim().min(1)),
  INFLUX_ORG: optional(z.string().trim().min(1)),
  INFLUX_BUCKET: optional(z.string().trim().min(1)),
  REDIS_URL: optional(url(["redis:", "rediss:"])),
  MQTT_URL: optional(url(["mqtt:", "tcp:"])),
  MQTT_EMBEDDED_PORT: optional(port),
  MQTT_CATCH_ALL: optional(onOff),
  TCP_PORT: optional(port),
  DATA_DIR: optional(z.string().trim().min(1)).transform((v) => v ?? "./data"),
  ADMIN_PASSWORD: optional(z.string().min(8, "must be at least 8 characters")),
  JWT_SECRET: optional(z.string().min(32, "must be at least 32 characters")),
  SIMULATE: optional(onOff),
  SIMULATE_RATE: optional(z.coerce.number({ message: "must be a number" }).positive("must be positive"))
    .transform((v) => v ?? 1),
  WORKERS: optional(positiveInt(2)),
  SHARDS: optional(positiveInt(64).pipe(z.number().max(4096, "must be at most 4096"))),
  RETENTION_RAW_DAYS: optional(retentionDays),
  RETENTION_1M_DAYS: optional(retentionDays),
  RECOMMENDATIONS_INTERVAL_MINUTES: optional(
    z.coerce.number({ message: "must be a number" }).int("must be a whole number")
      .min(0, "must be 0 (off) or more").max(10_080, "must be at most 10080 (a week)"),
  ),
  LOG_LEVEL: optional(
    z.enum(["debug", "info", "warn", "error"], { message: "must be debug, info, warn or error" }),
  )
    .transform((v) => v ?? "info"),
});

/** Which backend serves each store. */
export type Backend = "embedded" | "external" | "off";

/** The validated configuration. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  logLevel: "debug" | "info" | "warn" | "error";
  postgres: { url?: string };
  mongo: { url?: string; db: string };
  influx?: { url: string; token: string; org: string; bucket: string };
  redis: { url?: string };
  /**
   * `embeddedPort` undefined: the embedded broker takes 1883, or a free port when 1883 is taken.
   * `catchAll`: one more session subscribed to every kind's wildcard records telemetry for unknown ids
   * (it doubles the broker's deliveries; off, such telemetry is not received at all).
   */
  mqtt: { url?: string; embeddedPort?: number; catchAll: boolean };
  /** Port of the line-delimited JSON telemetry listener (ingest/tcp_listener.ts); undefined: off. */
  tcpPort?: number;
  adminPassword?: string;
  jwtSecret?: string;
  /** Whether the live simulator runs inside the app; defaults to on for embedded defaults, else off. */
  simulate: boolean;
  simulateRate: number;
  workers: number;
  shards: number;
  /**
   * Days of data kept (0: forever): `rawDays` for readings, measurements, VEN telemetry, load samples,
   * statuses and the ingestion log; `rollup1mDays` for 1-minute rollups. Coarser rollups are kept.
   */
  retention: { rawDays: number; rollup1mDays: number };
  /** Minutes between passes of the recommendation generator over every site (0: no periodic pass). */
  recommendations: { intervalMinutes: number };
}

/** A configuration variable that is malformed; its message names the variable and the problem. */
export class ConfigError extends Error {
  /** One line per bad variable: `NAME: problem`. */
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join("\n  ")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/**
 * Validates `env` into a {@linkcode Config}.
 *
 * @param env The environment, usually `Deno.env.toObject()`.
 * @throws {ConfigError} naming every malformed variable.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = ENV_SCHEMA.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? "environment");
    const value = env[name];
    return `${name}: ${issue.message}${value === undefined ? "" : ` (got ${JSON.stringify(value)})`}`;
  });
  const influxNames = ["INFLUX_URL", "INFLUX_TOKEN", "INFLUX_ORG", "INFLUX_BUCKET"];
  const influxSet = influxNames.filter((name) => (env[name] ?? "").trim() !== "");
  if (influxSet.length > 0 && influxSet.length < influxNames.length) {
    for (const name of influxNames.filter((n) => !influxSet.includes(n))) {
      problems.push(`${name}: is required when any INFLUX_* variable is set`);
    }
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError([...new Set(problems)]);
  const e = parsed.data;
  const embedded = e.DATABASE_URL === undefined && e.MQTT_URL === undefined;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
    postgres: { url: e.DATABASE_URL },
    mongo: { url: e.MONGO_URL, db: e.MONGO_DB },
    influx: e.INFLUX_URL
      ? { url: e.INFLUX_URL, token: e.INFLUX_TOKEN!, org: e.INFLUX_ORG!, bucket: e.INFLUX_BUCKET! }
      : undefined,
    redis: { url: e.REDIS_URL },
    mqtt: { url: e.MQTT_URL, embeddedPort: e.MQTT_EMBEDDED_PORT, catchAll: e.MQTT_CATCH_ALL ?? true },
    tcpPort: e.TCP_PORT,
    adminPassword: e.ADMIN_PASSWORD,
    jwtSecret: e.JWT_SECRET,
    simulate: e.SIMULATE ?? embedded,
    simulateRate: e.SIMULATE_RATE,
    workers: e.WORKERS ?? 2,
    shards: e.SHARDS ?? 64,
    retention: { rawDays: e.RETENTION_RAW_DAYS ?? 0, rollup1mDays: e.RETENTION_1M_DAYS ?? 0 },
    recommendations: { intervalMinutes: e.RECOMMENDATIONS_INTERVAL_MINUTES ?? 60 },
  };
}
