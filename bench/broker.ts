/**
 * The broker of a run: a private Mosquitto (mqtt/testing.ts: the installed binary with
 * mqtt/mosquitto.test.conf's no-drop limits) or the embedded aedes (mqtt/broker.ts), each in its own
 * process on a spare 127.0.0.1 port, stopped by its own PID.
 * Never the shared broker on 1883.
 *
 * @example
 * ```ts ignore
 * import { startBenchBroker } from "./bench/broker.ts";
 * const broker = await startBenchBroker("mosquitto");
 * console.log(broker.url, broker.pid);
 * await broker.close();
 * ```
 * @module
 */
import type { BrokerKind } from "./flags.ts";
import { toolVersion } from "./machine.ts";
import { MOSQUITTO_BIN, startMosquitto } from "../mqtt/testing.ts";

/** A running private broker. */
export interface BenchBroker {
  kind: BrokerKind;
  url: string;
  pid: number;
  /** e.g. "mosquitto version 2.0.11". */
  version: string;
  close(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (bound, then released). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Waits until `port` accepts a connection or `child` exits; false when it never did. */
export async function waitForPort(
  port: number,
  child: Deno.ChildProcess,
  timeoutMs: number,
): Promise<boolean> {
  let exited = false;
  child.status.then(() => (exited = true));
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline && !exited) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return true;
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  return false;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopProcess(child: Deno.ChildProcess, graceMs = 3_000): Promise<void> {
  try {
    child.kill("SIGTERM");
  } catch { /* already gone */ }
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }, graceMs);
  await child.status;
  clearTimeout(timer);
}

async function startMosquittoBroker(): Promise<BenchBroker> {
  // The repo's test broker (mqtt/testing.ts, mqtt/mosquitto.test.conf): no queue limits, 1000 in flight.
  const broker = await startMosquitto();
  return {
    kind: "mosquitto",
    url: broker.url,
    pid: broker.pid,
    version: (await toolVersion(MOSQUITTO_BIN)) ?? "mosquitto",
    close: () => broker.close(),
  };
}

async function startAedes(): Promise<BenchBroker> {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./aedes_process.ts", import.meta.url).pathname, String(port)],
    stdin: "null",
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  if (!(await waitForPort(port, child, 15_000))) {
    await stopProcess(child);
    throw new Error("the aedes broker process did not start");
  }
  return {
    kind: "aedes",
    url: `mqtt://127.0.0.1:${port}`,
    pid: child.pid,
    version: "aedes (embedded broker)",
    close: () => stopProcess(child),
  };
}

/** Starts the private broker of a run. */
export function startBenchBroker(kind: BrokerKind): Promise<BenchBroker> {
  return kind === "mosquitto" ? startMosquittoBroker() : startAedes();
}
