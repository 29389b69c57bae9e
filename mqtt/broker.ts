/**
 * The embedded MQTT broker (aedes, in-memory persistence) used when `MQTT_URL` is not set, so GridPulse
 * runs with no external service. It keeps persistent sessions and queued QoS 1 messages in memory
 * without a queue limit: nothing is dropped while a shard restarts or pauses (until the process exits).
 *
 * Backpressure caveat: aedes delivers through a bounded number of concurrent slots (`concurrency`);
 * a shard session that pauses reading holds a slot per message stuck on its socket, so a long pause
 * slows delivery to every client. That is backpressure on the publishers, never loss.
 *
 * @example
 * ```ts
 * import { startEmbeddedBroker } from "./mqtt/broker.ts";
 * import { silentLogger } from "./core/log.ts";
 * const broker = await startEmbeddedBroker({ port: 0, log: silentLogger });
 * console.log(broker.url);
 * await broker.close();
 * ```
 * @module
 */
import { Aedes } from "aedes";
import net from "node:net";
import type { Logger } from "../core/log.ts";
import { StoreUnavailableError } from "../core/errors.ts";

/** A running embedded broker. */
export interface EmbeddedBroker {
  /** `mqtt://127.0.0.1:{port}` (or the host it listens on). */
  url: string;
  port: number;
  /** Connected clients. */
  clients(): number;
  close(): Promise<void>;
}

/** Options for {@linkcode startEmbeddedBroker}. */
export interface EmbeddedBrokerOptions {
  /**
   * Port to listen on; `0` takes a free one. When undefined, 1883 is tried and a free port is taken
   * (and logged) if 1883 is in use, e.g. by a system Mosquitto. @default {undefined}
   */
  port?: number;
  /** @default {"127.0.0.1"} */
  host?: string;
  log: Logger;
  /** Messages aedes delivers concurrently. @default {1000} */
  concurrency?: number;
}

/**
 * Starts the embedded broker.
 *
 * @throws {StoreUnavailableError} when an explicitly configured port is taken.
 */
export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const { log, host = "127.0.0.1" } = options;
  const aedes = await Aedes.createBroker({ concurrency: options.concurrency ?? 1000, queueLimit: 10_000 });
  aedes.on("clientError", (client, error) => log.debug("mqtt client error", { client: client?.id, error }));
  aedes.on(
    "connectionError",
    (client, error) => log.debug("mqtt connection error", { client: client?.id, error }),
  );
  const server = net.createServer(aedes.handle);
  let port: number;
  try {
    port = await listen(server, options.port ?? 1883, host);
  } catch (error) {
    if (options.port !== undefined || (error as { code?: string }).code !== "EADDRINUSE") {
      await closeAedes(aedes);
      throw new StoreUnavailableError(
        "mqtt",
        `Embedded MQTT broker cannot listen on ${host}:${options.port ?? 1883}`,
        { cause: error },
      );
    }
    port = await listen(server, 0, host);
    log.warn("port 1883 is in use: the embedded MQTT broker listens on a free port instead", { port });
  }
  const sockets = new Set<net.Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  log.info("embedded MQTT broker listening", { url: `mqtt://${host}:${port}` });
  return {
    url: `mqtt://${host}:${port}`,
    port,
    clients: () => aedes.connectedClients,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
      await closeAedes(aedes);
    },
  };
}

function listen(server: net.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off("listening", onListening);
      reject(error);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve((server.address() as net.AddressInfo).port);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}

function closeAedes(aedes: Aedes): Promise<void> {
  return new Promise((resolve) => aedes.close(() => resolve()));
}
