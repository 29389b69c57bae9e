/**
 * The app under test as its own process: `deno run -A main.ts`, exactly as `deno task start` runs it,
 * configured by environment only. Its own process so /proc/<pid> measures its CPU and memory (its Deno
 * Workers are threads of it, so they count) and nothing of the bench's.
 *
 * The environment is the run's: its database, its broker, a free port on 127.0.0.1, no simulator, and
 * the optional stores (Redis, MongoDB, InfluxDB) blanked so a developer's shell never points the app at
 * a shared service during a load test.
 *
 * @example
 * ```ts ignore
 * import { startApp } from "./bench/app.ts";
 * const app = await startApp({ env: { DATABASE_URL: url, MQTT_URL: broker } });
 * console.log(app.url, app.pid);
 * await app.stop();
 * ```
 * @module
 */
import { freePort, stopProcess } from "../core/local_process.ts";

const ROOT = new URL("../", import.meta.url).pathname;

/** The admin password the bench gives the app (the API section logs in with it). */
export const BENCH_ADMIN_PASSWORD = "bench-admin-password";

/** Options for {@linkcode startApp}. */
export interface StartAppOptions {
  /** DATABASE_URL or DATA_DIR, MQTT_URL, WORKERS, SHARDS... */
  env: Record<string, string>;
  /** Write a V8 CPU profile (`--cpu-prof`) into this directory when the app exits. */
  cpuProfDir?: string;
  /** Show the app's log lines. @default {false} */
  verbose?: boolean;
  /** @default {120000} */
  startTimeoutMs?: number;
}

/** A running app. */
export interface AppProcess {
  pid: number;
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** Ms from spawn to "GridPulse is running". */
  startMs: number;
  /** The last lines it printed (stdout and stderr), for error reports. */
  tail(): string[];
  /**
   * SIGTERM (the app stops cleanly and a CPU profile is written), SIGKILL after 10 s (30 s when
   * profiling: the profile is written at exit). Rarely, after a loaded run, the app has not exited
   * 20 s after SIGTERM: the grace bounds what that costs a run.
   */
  stop(): Promise<void>;
}

/** The app's environment for a run. */
export function appEnvironment(env: Record<string, string>, port: number): Record<string, string> {
  return {
    PORT: String(port),
    HOST: "127.0.0.1",
    SIMULATE: "off",
    LOG_LEVEL: "warn",
    ADMIN_PASSWORD: BENCH_ADMIN_PASSWORD,
    JWT_SECRET: "bench-jwt-secret-0123456789abcdef0123456789",
    REDIS_URL: "",
    MONGO_URL: "",
    INFLUX_URL: "",
    INFLUX_TOKEN: "",
    INFLUX_ORG: "",
    INFLUX_BUCKET: "",
    DATABASE_URL: "",
    ...env,
  };
}

async function pump(
  stream: ReadableStream<Uint8Array<ArrayBuffer>>,
  onLine: (line: string) => void,
): Promise<void> {
  let rest = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    const lines = (rest + chunk).split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) onLine(line);
  }
  if (rest) onLine(rest);
}

/** Starts the app and waits until it serves HTTP. */
export async function startApp(options: StartAppOptions): Promise<AppProcess> {
  const port = freePort();
  const args = ["run", "-A"];
  if (options.cpuProfDir) args.push("--cpu-prof", `--cpu-prof-dir=${options.cpuProfDir}`);
  args.push("main.ts");
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    env: appEnvironment(options.env, port),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  let ready: (url: string) => void;
  const running = new Promise<string>((resolve) => (ready = resolve));
  const onLine = (line: string) => {
    lines.push(line);
    if (lines.length > 200) lines.shift();
    if (options.verbose) console.error(`[app] ${line}`);
    const match = /GridPulse is running at (\S+)/.exec(line);
    if (match) ready(match[1]);
  };
  const outputs = Promise.all([pump(child.stdout, onLine), pump(child.stderr, onLine)]);
  const timeoutMs = options.startTimeoutMs ?? 120_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const url = await Promise.race([
    running,
    child.status.then((s) => `exit ${s.code}`),
    new Promise<string>((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs))),
  ]);
  clearTimeout(timer);
  if (!url.startsWith("http")) {
    await stopProcess(child, 2_000);
    await outputs;
    throw new Error(`the app did not start (${url}):\n  ${lines.slice(-20).join("\n  ")}`);
  }
  return {
    pid: child.pid,
    url,
    startMs: performance.now() - started,
    tail: () => [...lines],
    stop: async () => {
      await stopProcess(child, options.cpuProfDir ? 30_000 : 10_000);
      await outputs;
    },
  };
}
