/**
 * Command-line flags of `deno task bench`, parsed once into one typed {@linkcode BenchOptions}.
 * `--quick` changes the defaults (not explicit flags) so the whole run fits in CI-sized time.
 *
 * @example
 * ```ts
 * import { parseBenchFlags } from "./bench/flags.ts";
 * const options = parseBenchFlags(["--quick", "--plants", "500"]);
 * console.log(options.plants, options.durationS);
 * ```
 * @module
 */
import { parseArgs } from "node:util";

/** The sections of a run, in the order they run. */
export const SECTIONS = ["raw", "ingest", "alerts", "actors", "api"] as const;
/** One section of a run. */
export type Section = typeof SECTIONS[number];

/** Which broker serves the run. */
export type BrokerKind = "mosquitto" | "aedes";

/** Everything a run is configured by. */
export interface BenchOptions {
  quick: boolean;
  /** Seconds each throughput phase (raw MQTT, sustained ingest) publishes for. */
  durationS: number;
  /** Plants publishing telemetry in the ingest and alert sections. */
  plants: number;
  /** Publish rate of the ingest section in messages/s; 0 = as fast as the pipeline accepts. */
  rate: number;
  /** Rows for the raw PostgreSQL COPY measurement. */
  copyRows: number;
  /** Publisher connections of the load process. */
  connections: number;
  /** Unacknowledged QoS 1 publishes per publisher connection. */
  window: number;
  /** Most messages published but not yet committed, so the broker's queue stays bounded. */
  maxBacklog: number;
  /** Spikes injected by the alert-latency section. */
  spikes: number;
  /** Seconds over which the spikes are spread. */
  alertDurationS: number;
  /** Plants with a short expected interval that go silent, for data-gap lateness. */
  gapPlants: number;
  /** Registered plants for the actor-scale section. */
  actorScales: number[];
  /** Seconds of load per API endpoint. */
  apiDurationS: number;
  /** Concurrent connections of the API load generator. */
  apiConnections: number;
  /** Sections to run. */
  sections: Section[];
  broker: BrokerKind;
  /** Actor worker isolates of the app (`WORKERS`); undefined = the app's default. */
  workers?: number;
  /** Actor shards of the app (`SHARDS`); undefined = the app's default. */
  shards?: number;
  /** Print only the JSON line. */
  jsonOnly: boolean;
  /** Directory for a CPU profile of the app (`deno run --cpu-prof`); undefined = no profile. */
  cpuProfDir?: string;
  /** Keep the app's output (its stderr log) in the terminal. */
  verbose: boolean;
}

const FULL = {
  durationS: 30,
  plants: 1_000,
  copyRows: 200_000,
  spikes: 200,
  alertDurationS: 20,
  gapPlants: 20,
  actorScales: [10_000, 100_000],
  apiDurationS: 10,
} as const;

const QUICK = {
  durationS: 5,
  plants: 1_000,
  copyRows: 50_000,
  spikes: 40,
  alertDurationS: 3,
  gapPlants: 10,
  actorScales: [10_000],
  apiDurationS: 1,
} as const;

/** The usage text (`--help`). */
export const USAGE = `deno task bench [options]

  --quick               CI-sized run, under 60 s (shorter phases, 10k actors only)
  --duration S          seconds of publishing per throughput phase (default 30, quick 5)
  --plants N            plants publishing telemetry (default 1000)
  --rate R              ingest publish rate in msg/s, 0 = as fast as accepted (default 0)
  --copy-rows N         rows for the raw COPY measurement (default 200000, quick 50000)
  --connections N       publisher connections (default 4)
  --window N            unacknowledged publishes per connection (default 500)
  --max-backlog N       most messages published but not yet committed (default 20000)
  --spikes N            injected spikes for alert latency (default 200, quick 40)
  --alert-duration S    seconds the spikes are spread over (default 20, quick 3)
  --gap-plants N        silent plants for data-gap lateness (default 20, quick 10)
  --actors N[,N]        registered plants for the actor-scale section (default 10000,100000)
  --api-duration S      seconds of load per API endpoint (default 10, quick 1)
  --api-connections N   API load generator connections (default 10)
  --only a,b            sections to run: ${SECTIONS.join(", ")} (default all)
  --broker B            mosquitto | aedes (default: mosquitto when MQTT_URL is set, else aedes)
  --workers N, --shards N   the app's WORKERS and SHARDS
  --cpu-prof DIR        run the app with deno --cpu-prof, profiles in DIR
  --json-only           print only the JSON line
  --verbose             show the app's log
`;

/** A flag that is malformed. */
export class FlagError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FlagError";
  }
}

function int(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.replaceAll("_", ""));
  if (!Number.isInteger(n) || n < min) throw new FlagError(`--${name} must be a whole number >= ${min}`);
  return n;
}

function intList(name: string, value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  const list = value.split(",").map((part) => int(name, part.trim(), 1)!);
  if (list.length === 0) throw new FlagError(`--${name} needs at least one number`);
  return list;
}

function sections(value: string | undefined): Section[] {
  if (value === undefined) return [...SECTIONS];
  const wanted = value.split(",").map((s) => s.trim()).filter(Boolean);
  for (const name of wanted) {
    if (!(SECTIONS as readonly string[]).includes(name)) {
      throw new FlagError(`--only: unknown section ${JSON.stringify(name)} (${SECTIONS.join(", ")})`);
    }
  }
  return SECTIONS.filter((s) => wanted.includes(s));
}

/**
 * Parses the flags of `deno task bench`.
 *
 * @param args The arguments, usually `Deno.args`.
 * @param env Decides the default broker (`MQTT_URL`). @default {{}}
 * @throws {FlagError} naming the bad flag.
 */
export function parseBenchFlags(args: string[], env: Record<string, string | undefined> = {}): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      options: {
        quick: { type: "boolean", default: false },
        duration: { type: "string" },
        plants: { type: "string" },
        rate: { type: "string" },
        "copy-rows": { type: "string" },
        connections: { type: "string" },
        window: { type: "string" },
        "max-backlog": { type: "string" },
        spikes: { type: "string" },
        "alert-duration": { type: "string" },
        "gap-plants": { type: "string" },
        actors: { type: "string" },
        "api-duration": { type: "string" },
        "api-connections": { type: "string" },
        only: { type: "string" },
        broker: { type: "string" },
        workers: { type: "string" },
        shards: { type: "string" },
        "cpu-prof": { type: "string" },
        "json-only": { type: "boolean", default: false },
        verbose: { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    throw new FlagError(error instanceof Error ? error.message : String(error));
  }
  const base = values.quick ? QUICK : FULL;
  const broker = values.broker ?? (env.MQTT_URL ? "mosquitto" : "aedes");
  if (broker !== "mosquitto" && broker !== "aedes") {
    throw new FlagError("--broker must be mosquitto or aedes");
  }
  return {
    quick: values.quick,
    durationS: int("duration", values.duration, 1) ?? base.durationS,
    plants: int("plants", values.plants, 1) ?? base.plants,
    rate: int("rate", values.rate, 0) ?? 0,
    copyRows: int("copy-rows", values["copy-rows"], 1) ?? base.copyRows,
    connections: int("connections", values.connections, 1) ?? 4,
    window: int("window", values.window, 1) ?? 500,
    maxBacklog: int("max-backlog", values["max-backlog"], 1) ?? 20_000,
    spikes: int("spikes", values.spikes, 0) ?? base.spikes,
    alertDurationS: int("alert-duration", values["alert-duration"], 1) ?? base.alertDurationS,
    gapPlants: int("gap-plants", values["gap-plants"], 0) ?? base.gapPlants,
    actorScales: intList("actors", values.actors) ?? [...base.actorScales],
    apiDurationS: int("api-duration", values["api-duration"], 1) ?? base.apiDurationS,
    apiConnections: int("api-connections", values["api-connections"], 1) ?? 10,
    sections: sections(values.only),
    broker,
    workers: int("workers", values.workers, 1),
    shards: int("shards", values.shards, 1),
    jsonOnly: values["json-only"],
    cpuProfDir: values["cpu-prof"],
    verbose: values.verbose,
  };
}
