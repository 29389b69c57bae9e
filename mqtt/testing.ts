/**
 * Test brokers: a private Mosquitto (the installed binary, the repo's `mosquitto.test.conf` with its
 * no-drop limits) on a spare port, stopped by its own PID. Tests that stop, restart or overload a
 * broker use this, never the shared broker on 1883. {@linkcode testBrokerUrl} picks the broker for
 * ordinary tests: `MQTT_URL` when set, else an embedded aedes.
 *
 * @example
 * ```ts
 * import { startMosquitto } from "./mqtt/testing.ts";
 * const broker = await startMosquitto();
 * console.log(broker.url);
 * await broker.stop();
 * ```
 * @module
 */
import { loadConfig } from "../core/config.ts";
import { silentLogger } from "../core/log.ts";
import { type EmbeddedBroker, startEmbeddedBroker } from "./broker.ts";
import { freePort, stopProcess, waitForPort } from "../core/local_process.ts";

/** The Mosquitto binary. */
export const MOSQUITTO_BIN = "/usr/sbin/mosquitto";

/** A private Mosquitto. */
export interface TestMosquitto {
  url: string;
  port: number;
  /** The current process id. */
  readonly pid: number;
  /** The data directory (persistence). */
  dir: string;
  /** Stops the process (SIGTERM, which saves the persistence file); the port and directory stay. */
  stop(): Promise<void>;
  /** Starts it again on the same port and directory (after {@linkcode stop}). */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  close(): Promise<void>;
}

/** Options for {@linkcode startMosquitto}. */
export interface StartMosquittoOptions {
  /** Keep sessions and queued messages across {@linkcode TestMosquitto.stop}/`start`. @default {false} */
  persistence?: boolean;
  /** Extra config lines (e.g. tighter limits for an overload test). */
  extraConfig?: string[];
}

/** Starts a private Mosquitto on a spare 127.0.0.1 port with the repo's test config. */
export async function startMosquitto(options: StartMosquittoOptions = {}): Promise<TestMosquitto> {
  const dir = await Deno.makeTempDir({ prefix: "gridpulse-mosquitto-" });
  const base = await Deno.readTextFile(new URL("./mosquitto.test.conf", import.meta.url));
  let port = 0;
  let child: Deno.ChildProcess | undefined;
  const launch = async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      if (!port || attempt > 0) port = freePort();
      const lines = [
        base,
        `listener ${port} 127.0.0.1`,
        `persistence ${options.persistence ? "true" : "false"}`,
        `persistence_location ${dir}/`,
        ...(Deno.uid() === 0 ? ["user root"] : []),
        ...(options.extraConfig ?? []),
      ];
      await Deno.writeTextFile(`${dir}/mosquitto.conf`, lines.join("\n") + "\n");
      child = new Deno.Command(MOSQUITTO_BIN, {
        args: ["-c", `${dir}/mosquitto.conf`],
        stdout: "null",
        stderr: "null",
        stdin: "null",
      }).spawn();
      if (await waitForPort(port, child, 5_000)) return;
      await stopProcess(child);
      if (options.persistence && port) throw new Error(`Mosquitto did not start again on port ${port}`);
    }
    throw new Error("Mosquitto did not start (5 attempts)");
  };
  await launch();
  return {
    get url() {
      return `mqtt://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    get pid() {
      return child?.pid ?? 0;
    },
    dir,
    stop: async () => {
      if (child) await stopProcess(child);
      child = undefined;
    },
    start: async () => {
      if (child) return;
      await launch();
    },
    close: async () => {
      if (child) await stopProcess(child);
      child = undefined;
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** A broker for an ordinary test: `MQTT_URL` when set, else an embedded aedes on a free port. */
export async function testBroker(): Promise<{ url: string; close(): Promise<void> }> {
  const url = loadConfig(Deno.env.toObject()).mqtt.url;
  if (url) return { url, close: () => Promise.resolve() };
  const broker: EmbeddedBroker = await startEmbeddedBroker({ port: 0, log: silentLogger });
  return { url: broker.url, close: () => broker.close() };
}

/** Whether Mosquitto is installed (for tests that start a private one). */
export const hasMosquitto: boolean = (() => {
  try {
    return Deno.statSync(MOSQUITTO_BIN).isFile;
  } catch {
    return false;
  }
})();

/**
 * A private broker for a test whose runtime has a catch-all session: on the shared broker it would
 * receive other tests' telemetry (and they this test's), so counts and dead letters would mix. `mosquitto`
 * when it is installed (a private instance), else the embedded aedes; or the kind asked for.
 */
export async function privateBroker(
  kind: "aedes" | "mosquitto" = hasMosquitto ? "mosquitto" : "aedes",
): Promise<{ url: string; close(): Promise<void> }> {
  if (kind === "mosquitto") return await startMosquitto();
  const broker = await startEmbeddedBroker({ port: 0, log: silentLogger });
  return { url: broker.url, close: () => broker.close() };
}

/** A unique prefix for client ids, so parallel tests on a shared broker never take over each other's sessions. */
export function uniqueClientPrefix(name = "t"): string {
  return `gp-${name}-${crypto.randomUUID().slice(0, 8)}`;
}
