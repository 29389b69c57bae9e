/**
 * The Deno Worker entry of a worker host. The first message is `init`; every later one goes to the
 * {@linkcode WorkerHost}. An uncaught error reaches the supervisor as the Worker's `error` event.
 * Workers have no database connection: everything they produce travels to the writer in the main
 * isolate (embedded PGlite serves one connection, and group commit across workers is the point).
 * @module
 */
/// <reference lib="deno.worker" />
import { systemClock } from "../../core/clock.ts";
import { createLogger } from "../../core/log.ts";
import { MqttSession } from "../../mqtt/session.ts";
import type { FromWorker, ToWorker } from "../protocol.ts";
import { WorkerHost } from "./host.ts";

let host: WorkerHost | undefined;
const post = (message: FromWorker) => self.postMessage(message);

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  if (message.type === "init") {
    const log = createLogger({ level: message.settings.logLevel, fields: { worker: message.worker } });
    host = new WorkerHost({
      worker: message.worker,
      settings: message.settings,
      clock: systemClock,
      log,
      post,
      sessions: ({ clientId, onMessage, onState }) =>
        new MqttSession({
          url: message.mqttUrl,
          clientId,
          onMessage,
          onState,
          log: log.child({ mqttClient: clientId }),
        }),
    });
    post({ type: "ready" });
    return;
  }
  if (message.type === "crash") {
    // Fault injection: thrown outside any promise, so it is an uncaught error of the worker.
    setTimeout(() => {
      throw new Error(message.message);
    }, 0);
    return;
  }
  host?.handle(message).catch((error) => {
    setTimeout(() => {
      throw error;
    }, 0);
  });
};
