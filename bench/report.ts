/**
 * The result of a run: one typed {@linkcode BenchReport}, printed as a table for people and as ONE JSON
 * line (prefixed `BENCH_JSON `) for machines, so CI and `bench/README.md` can quote exactly what ran.
 *
 * @example
 * ```ts
 * import { formatTable, jsonLine } from "./bench/report.ts";
 * const report = { version: 1 as const, startedAt: "", command: "deno task bench", machine: {}, notes: [] };
 * console.log(formatTable(report));
 * console.log(jsonLine(report));
 * ```
 * @module
 */
import type { LatencySummary } from "./histogram.ts";
import type { PipelineFigures } from "./prometheus.ts";

/** The machine a run ran on. */
export interface MachineInfo {
  cpu?: string;
  cores?: number;
  memoryGb?: number;
  os?: string;
  kernel?: string;
  deno?: string;
  v8?: string;
  broker?: string;
  postgres?: string;
  /** 1-minute load average when the run started: anything well above 0 means others share the machine. */
  loadAvg1m?: number;
}

/** Raw limits measured in the same run. */
export interface RawFigures {
  mqtt?: {
    msgPerS: number;
    published: number;
    delivered: number;
    seconds: number;
    publisherCpuPercent?: number;
    brokerCpuPercent?: number;
    subscriberCpuPercent?: number;
    /** The whole machine's CPU in the window, % of one core: what is left beyond the three is others'. */
    machineCpuPercent?: number;
    /** The broker's system calls per delivered message, and the kernel's share of its CPU. */
    broker?: BrokerSyscalls;
  };
  copy?: { rowsPerS: number; rows: number; seconds: number; method: string; unnestRowsPerS?: number };
}

/**
 * What the broker's CPU goes to, per message: Mosquitto reads each packet with several small `read`s and
 * writes each with one `write`, so its cost follows the packets it handles (a QoS 1 message in, its
 * PUBACK out, and per subscriber session a PUBLISH out and its PUBACK in) more than their bytes.
 */
export interface BrokerSyscalls {
  readsPerMessage: number;
  writesPerMessage: number;
  /** Share of the broker's CPU time spent in the kernel, 0-1. */
  kernelShare?: number;
}

/** {@linkcode BrokerSyscalls} from a sampler's window over `messages` messages; undefined without /proc io. */
export function brokerSyscalls(
  usage: { syscalls?: { reads: number; writes: number }; kernelShare?: number },
  messages: number,
): BrokerSyscalls | undefined {
  if (!usage.syscalls || messages <= 0) return undefined;
  return {
    readsPerMessage: usage.syscalls.reads / messages,
    writesPerMessage: usage.syscalls.writes / messages,
    kernelShare: usage.kernelShare,
  };
}

/** Sustained ingest. */
export interface IngestFigures {
  plants: number;
  seconds: number;
  /** Readings durably committed and acknowledged per second. */
  readingsPerS: number;
  /** readingsPerS / raw MQTT pass-through of the same run. */
  ratioToRawMqtt?: number;
  published: number;
  stored: number;
  appCpuPercent: number;
  /**
   * App CPU time per stored reading, µs: the efficiency figure before/after comparisons use, as it
   * hardly moves when other processes share the machine (throughput does).
   */
  appCpuUsPerReading?: number;
  appPeakRssMb: number;
  brokerCpuPercent?: number;
  /** The broker's system calls per stored reading, and the kernel's share of its CPU. */
  broker?: BrokerSyscalls;
  publisherCpuPercent?: number;
  /** PostgreSQL backends serving the run's database (local server only). */
  postgresCpuPercent?: number;
  machineCpuPercent?: number;
  /** The app's own figures for the phase (/metrics). */
  pipeline?: PipelineFigures;
  /** Where the machine's CPU went per stored reading, and what that leaves (see {@linkcode cpuBudget}). */
  budget?: CpuBudget;
}

/** CPU per stored reading by process, µs, and the rate the machine could carry without the app's part. */
export interface CpuBudget {
  app: number;
  broker?: number;
  publisher?: number;
  postgres?: number;
  /** Everything else the machine did in the window (the kernel's own threads, the bench itself). */
  rest: number;
  /**
   * Readings/s if the app cost no CPU at all and everything else cost what it did per reading:
   * cores / (machine - app) per reading. An upper bound for any app on this machine with this broker,
   * database and load generator (roughly: the broker and PostgreSQL batch a little better at higher
   * rates).
   */
  withoutAppPerS: number;
  /** withoutAppPerS / raw MQTT pass-through of the same run. */
  withoutAppRatio?: number;
}

/**
 * The CPU budget of an ingest phase from its figures (% of one core over the window, readings/s), or
 * undefined without the machine's CPU.
 */
export function cpuBudget(i: IngestFigures, cores: number, rawMqttPerS?: number): CpuBudget | undefined {
  if (i.machineCpuPercent === undefined || !(i.readingsPerS > 0)) return undefined;
  const us = (percent: number) => percent / 100 * 1e6 / i.readingsPerS;
  const listed = i.appCpuPercent + (i.brokerCpuPercent ?? 0) + (i.publisherCpuPercent ?? 0) +
    (i.postgresCpuPercent ?? 0);
  const withoutApp = us(i.machineCpuPercent - i.appCpuPercent);
  const withoutAppPerS = withoutApp > 0 ? cores * 1e6 / withoutApp : Infinity;
  return {
    app: us(i.appCpuPercent),
    broker: i.brokerCpuPercent === undefined ? undefined : us(i.brokerCpuPercent),
    publisher: i.publisherCpuPercent === undefined ? undefined : us(i.publisherCpuPercent),
    postgres: i.postgresCpuPercent === undefined ? undefined : us(i.postgresCpuPercent),
    rest: Math.max(0, us(i.machineCpuPercent - listed)),
    withoutAppPerS,
    withoutAppRatio: rawMqttPerS ? withoutAppPerS / rawMqttPerS : undefined,
  };
}

/** Alert latency at a fixed share of the sustained rate. */
export interface AlertFigures {
  rate: number;
  spikes: number;
  /** Publish -> alert row committed, ms. */
  committed?: LatencySummary;
  /** Publish -> the spike reaching a do-nothing subscriber (the raw reference), ms. */
  rawDelivery?: LatencySummary;
  /** Publish -> alert event on /api/stream, ms. */
  stream?: LatencySummary;
  /** Data-gap alert committed - its deadline, ms. */
  gapLateness?: LatencySummary;
  missedSpikes: number;
  missedGaps: number;
  /** The app's own figures for the phase (/metrics). */
  pipeline?: PipelineFigures;
}

/** Memory and activation at one scale of registered actors. */
export interface ActorScaleFigures {
  plants: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  kbPerActor: number;
  activationS: number;
}

/** One API endpoint under load. */
export interface ApiFigures {
  path: string;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  non2xx: number;
  /** App CPU per request, µs (includes the ingest running meanwhile). */
  appCpuUsPerRequest?: number;
}

/** A whole run. */
export interface BenchReport {
  version: 1;
  startedAt: string;
  command: string;
  machine: MachineInfo;
  raw?: RawFigures;
  ingest?: IngestFigures;
  alerts?: AlertFigures;
  actors?: ActorScaleFigures[];
  api?: ApiFigures[];
  /** What was skipped or went wrong, in words. */
  notes: string[];
  durationS?: number;
}

/** The prefix of the JSON line, so it can be found with grep in a log. */
export const JSON_PREFIX = "BENCH_JSON ";

/** Rounds for printing: 3 significant digits below 100, whole numbers above; thousands separated. */
export function fmt(value: number | undefined, unit = ""): string {
  if (value === undefined || Number.isNaN(value)) return "n/a";
  const abs = Math.abs(value);
  const text = abs >= 100
    ? Math.round(value).toLocaleString("en-US")
    : abs >= 10
    ? value.toFixed(1)
    : abs >= 1
    ? value.toFixed(2)
    : value === 0
    ? "0"
    : value.toPrecision(2);
  return unit ? `${text} ${unit}` : text;
}

function latency(s: LatencySummary | undefined): string {
  if (!s || s.count === 0) return "n/a";
  return `p50 ${fmt(s.p50)} / p95 ${fmt(s.p95)} / p99 ${fmt(s.p99)} ms (max ${fmt(s.max)}, n=${s.count})`;
}

type Row = [section: string, figure: string, value: string];

function pipelineRows(p: PipelineFigures | undefined): Row[] {
  if (!p) return [];
  const le = (v: number) => (v === Infinity ? "> largest bucket" : `<= ${fmt(v)}`);
  return [
    [
      "",
      "  app: group commits",
      `${p.commits}, ${fmt(p.messagesPerCommit)} messages, ${fmt(p.commitMsMean)} ms mean, p99 ${
        le(p.commitMsP99Le)
      } ms`,
    ],
    ["", "  app: receipt -> commit", `p50 ${le(p.ingestMsP50Le)} ms, p99 ${le(p.ingestMsP99Le)} ms`],
    ...(p.rollupsRecomputed === undefined
      ? []
      : [["", "  app: rollup buckets recomputed", String(p.rollupsRecomputed)] as Row]),
  ];
}

function rawRows(raw: RawFigures): Row[] {
  const rows: Row[] = [];
  if (raw.mqtt) {
    rows.push(["raw", "MQTT QoS 1 pass-through", fmt(raw.mqtt.msgPerS, "msg/s")]);
    rows.push(["", "  delivered / published", `${raw.mqtt.delivered} / ${raw.mqtt.published}`]);
    rows.push([
      "",
      "  CPU broker / pub / sub / machine",
      `${fmt(raw.mqtt.brokerCpuPercent)}% / ${fmt(raw.mqtt.publisherCpuPercent)}% / ` +
      `${fmt(raw.mqtt.subscriberCpuPercent)}% / ${fmt(raw.mqtt.machineCpuPercent)}%`,
    ]);
    rows.push(...brokerRows(raw.mqtt.broker, "message"));
  }
  if (raw.copy) {
    rows.push(["raw", `PostgreSQL ${raw.copy.method}`, fmt(raw.copy.rowsPerS, "rows/s")]);
    if (raw.copy.unnestRowsPerS !== undefined) {
      rows.push(["", "  same rows, unnest inserts of 5,000", fmt(raw.copy.unnestRowsPerS, "rows/s")]);
    }
  }
  return rows;
}

function ingestRows(i: IngestFigures): Row[] {
  const ratio = i.ratioToRawMqtt === undefined
    ? "n/a"
    : `${(i.ratioToRawMqtt * 100).toFixed(1)}% of raw MQTT`;
  return [
    ["ingest", `sustained, ${i.plants} plants`, fmt(i.readingsPerS, "readings/s")],
    ["", "  ratio", ratio],
    ["", "  published / stored", `${i.published} / ${i.stored}${i.published === i.stored ? "" : "  LOST"}`],
    [
      "",
      "  app CPU / per reading / peak RSS",
      `${fmt(i.appCpuPercent)}% / ${fmt(i.appCpuUsPerReading, "µs")} / ${fmt(i.appPeakRssMb, "MB")}`,
    ],
    [
      "",
      "  CPU broker / pub / postgres / machine",
      `${fmt(i.brokerCpuPercent)}% / ${fmt(i.publisherCpuPercent)}% / ${fmt(i.postgresCpuPercent)}% / ` +
      `${fmt(i.machineCpuPercent)}%`,
    ],
    ...brokerRows(i.broker, "reading"),
    ...budgetRows(i.budget),
    ...pipelineRows(i.pipeline),
  ];
}

function brokerRows(b: BrokerSyscalls | undefined, per: string): Row[] {
  if (!b) return [];
  const kernel = b.kernelShare === undefined
    ? ""
    : `, ${(b.kernelShare * 100).toFixed(0)}% of its CPU in the kernel`;
  return [[
    "",
    `  broker syscalls per ${per}: read / write`,
    `${b.readsPerMessage.toFixed(1)} / ${b.writesPerMessage.toFixed(1)}${kernel}`,
  ]];
}

function budgetRows(b: CpuBudget | undefined): Row[] {
  if (!b) return [];
  const ratio = b.withoutAppRatio === undefined
    ? ""
    : ` = ${(b.withoutAppRatio * 100).toFixed(1)}% of raw MQTT`;
  return [
    [
      "",
      "  µs per reading: app / broker / pub / pg / rest",
      [b.app, b.broker, b.publisher, b.postgres, b.rest].map((v) => fmt(v)).join(" / "),
    ],
    ["", "  ceiling if the app cost no CPU", `${fmt(b.withoutAppPerS, "readings/s")}${ratio}`],
  ];
}

function alertRows(a: AlertFigures): Row[] {
  return [
    ["alerts", `spikes at ${fmt(a.rate, "msg/s")}`, `${a.spikes} injected, ${a.missedSpikes} missed`],
    ["", "  publish -> bare subscriber (raw)", latency(a.rawDelivery)],
    ["", "  publish -> row committed", latency(a.committed)],
    ["", "  publish -> /api/stream", latency(a.stream)],
    ["", "  gap alert - deadline", `${latency(a.gapLateness)}, ${a.missedGaps} missed`],
    ...pipelineRows(a.pipeline),
  ];
}

function actorRows(list: ActorScaleFigures[]): Row[] {
  return list.map((a, i) => [
    i === 0 ? "actors" : "",
    `${a.plants.toLocaleString("en-US")} plants registered`,
    `${fmt(a.kbPerActor, "kB/actor")} (RSS ${fmt(a.rssBeforeMb)} -> ${fmt(a.rssAfterMb, "MB")}), ` +
    `activation ${fmt(a.activationS, "s")}`,
  ]);
}

function apiRows(list: ApiFigures[]): Row[] {
  return list.map((a, i) => [
    i === 0 ? "api" : "",
    a.path,
    `${fmt(a.rps, "req/s")}, p50 ${fmt(a.p50)} / p99 ${fmt(a.p99)} ms, app CPU ${
      fmt(a.appCpuUsPerRequest, "µs")
    }/req` +
    (a.errors || a.non2xx ? `, ${a.errors} errors, ${a.non2xx} non-2xx` : ""),
  ]);
}

/** The report as an aligned text table. */
export function formatTable(report: BenchReport): string {
  const m = report.machine;
  const rows: Row[] = [
    ["machine", "cpu", `${m.cpu ?? "?"} (${m.cores ?? "?"} cores, ${fmt(m.memoryGb, "GB")})`],
    ["", "runtime", `Deno ${m.deno ?? "?"} on ${m.os ?? "?"} ${m.kernel ?? ""}`.trim()],
    ["", "services", `${m.broker ?? "?"}; ${m.postgres ?? "?"}`],
    ["", "load average at start", fmt(m.loadAvg1m)],
    ...(report.raw ? rawRows(report.raw) : []),
    ...(report.ingest ? ingestRows(report.ingest) : []),
    ...(report.alerts ? alertRows(report.alerts) : []),
    ...(report.actors?.length ? actorRows(report.actors) : []),
    ...(report.api?.length ? apiRows(report.api) : []),
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  const lines = rows.map(([a, b, c]) => `${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`.trimEnd());
  const rule = "-".repeat(Math.max(...lines.map((l) => l.length)));
  const out = [rule, ...lines, rule];
  for (const note of report.notes) out.push(`note: ${note}`);
  if (report.durationS !== undefined) out.push(`run took ${fmt(report.durationS, "s")}: ${report.command}`);
  return out.join("\n");
}

/** The report as one JSON line; NaN (an empty percentile) becomes null, as JSON has no NaN. */
export function jsonLine(report: BenchReport): string {
  return JSON_PREFIX +
    JSON.stringify(
      report,
      (_key, value) => (typeof value === "number" && !Number.isFinite(value) ? null : value),
    );
}
