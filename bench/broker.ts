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
import { freePort, stopProcess, waitForPort } from "../core/local_process.ts";

/** A running private broker. */
export interface BenchBroker {
  kind: BrokerKind;
  url: string;
  pid: number;
  /** e.g. "mosquitto version 2.0.11". */
  version: string;
  close(): Promise<void>;
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
