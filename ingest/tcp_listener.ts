/**
 * Telemetry over plain TCP (seed 003's "tcp: TCP listener"), for devices that cannot speak MQTT: one
 * JSON object per line, `{"topic": "gridpulse/plants/{id}/telemetry", "payload": {...}}`, with any topic
 * GridPulse consumes (domain/telemetry.ts). Each line is published to the broker at QoS 1, so it takes
 * exactly the MQTT path from there (the actors validate it; a bad payload or an unknown id becomes a dead
 * letter with its reason, counted in the ingestion log under its kind). The listener answers every line,
 * in order, once the broker has acknowledged it: `ok`, or `error <reason>` for a line it could not take
 * (not JSON, no such topic, too long, refused by the publisher). While the broker is unreachable a line
 * waits (the publisher sends it once it reconnects); one still waiting when GridPulse stops gets no
 * answer. A device resends what got no `ok`.
 *
 * Bounded: a line longer than `maxLineBytes` is refused (the connection skips to its end), and a
 * connection with `maxInFlight` lines awaiting the broker is not read again until some are answered (a
 * read already made, at most 64 KiB, is taken whole).
 *
 * @example
 * ```sh
 * TCP_PORT=7000 deno task start
 * echo '{"topic":"gridpulse/plants/<id>/telemetry","payload":{"ts":"2026-11-24T10:00:00Z","mw":42}}' | nc -q1 localhost 7000
 * # ok
 * ```
 * @module
 */
import type { Logger } from "../core/log.ts";
import type { MqttPublisher } from "../core/services.ts";
import { parseTopic } from "../domain/telemetry.ts";

/** Options for {@linkcode startTcpListener}. */
export interface TcpListenerOptions {
  port: number;
  hostname: string;
  publisher: MqttPublisher;
  log: Logger;
  /** @default {65536} */
  maxLineBytes?: number;
  /** Lines of one connection awaiting the broker before it is read no further. @default {1000} */
  maxInFlight?: number;
}

/** Lines answered so far. */
export interface TcpListenerStats {
  connections: number;
  published: number;
  refused: number;
}

/** A running listener. */
export interface TcpListener {
  readonly port: number;
  stats(): TcpListenerStats;
  /** Stops accepting, lets every connection's published lines be answered, closes them. */
  close(): Promise<void>;
}

const NEWLINE = 0x0a;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Decides what to publish for one line, or why not. */
export function parseLine(line: string): { topic: string; payload: string } | { error: string } {
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch {
    return { error: "not JSON" };
  }
  if (typeof message !== "object" || message === null || Array.isArray(message)) {
    return { error: 'expected {"topic": ..., "payload": ...}' };
  }
  const { topic, payload } = message as { topic?: unknown; payload?: unknown };
  if (typeof topic !== "string") return { error: "topic must be a string" };
  if (!parseTopic(topic)) {
    return { error: `GridPulse consumes no topic ${JSON.stringify(topic.slice(0, 200))}` };
  }
  if (payload === undefined) return { error: "payload is missing" };
  return { topic, payload: typeof payload === "string" ? payload : JSON.stringify(payload) };
}

/** Starts listening (the port is open when it returns). */
export function startTcpListener(options: TcpListenerOptions): TcpListener {
  const { publisher, log } = options;
  const maxLine = options.maxLineBytes ?? 65_536;
  const maxInFlight = options.maxInFlight ?? 1_000;
  const listener = Deno.listen({ port: options.port, hostname: options.hostname, transport: "tcp" });
  const counts: TcpListenerStats = { connections: 0, published: 0, refused: 0 };
  const open = new Set<Promise<void>>();
  /** Each open connection, with its answers so far. */
  const conns = new Map<Deno.TcpConn, () => Promise<unknown>>();
  let closing = false;
  let signalStop!: () => void;
  /** Resolves on close: waits for the broker (down, say) end there. */
  const stopped = new Promise<void>((resolve) => (signalStop = resolve));

  async function serve(conn: Deno.TcpConn): Promise<void> {
    counts.connections++;
    // answers leave in line order: each line's answer waits for the one before it
    let answered: Promise<unknown> = Promise.resolve();
    let inFlight = 0;
    let wake: (() => void) | undefined;
    const answer = (result: Promise<string>) => {
      inFlight++;
      const previous = answered;
      answered = Promise.all([previous, result]).then(async ([, text]) => {
        inFlight--;
        wake?.();
        await conn.write(encoder.encode(text + "\n"));
      }).catch(() => {
        try {
          conn.close(); // the client is gone: what it did not get an answer for, it sends again
        } catch { /* closed already */ }
      });
    };
    const take = (bytes: Uint8Array) => {
      const line = decoder.decode(bytes).trim();
      if (line === "") return;
      const parsed = parseLine(line);
      if ("error" in parsed) {
        counts.refused++;
        return answer(Promise.resolve(`error ${parsed.error}`));
      }
      answer(
        publisher.publish(parsed.topic, parsed.payload, { qos: 1 }).then(
          () => (counts.published++, "ok"),
          (error) => {
            counts.refused++;
            log.warn("tcp: a line could not be published", { topic: parsed.topic, error });
            return "error the broker did not take it; send it again";
          },
        ),
      );
    };
    conns.set(conn, () => answered);
    const buffer = new Uint8Array(64 * 1024);
    let pending: Uint8Array = new Uint8Array(0);
    let skipping = false; // inside a line that was too long: dropped up to its end
    try {
      while (!closing) {
        while (inFlight >= maxInFlight && !closing) {
          await Promise.race([new Promise<void>((resolve) => (wake = resolve)), stopped]);
        }
        const n = await conn.read(buffer);
        if (n === null || closing) break; // read while stopping: unanswered, so the device sends it again
        let chunk = buffer.subarray(0, n);
        let at = chunk.indexOf(NEWLINE);
        while (at !== -1) {
          if (skipping) skipping = false;
          else if (pending.length + at > maxLine) {
            counts.refused++;
            answer(Promise.resolve(`error line longer than ${maxLine} bytes`));
          } else take(pending.length ? concat(pending, chunk.subarray(0, at)) : chunk.subarray(0, at));
          pending = new Uint8Array(0);
          chunk = chunk.subarray(at + 1);
          at = chunk.indexOf(NEWLINE);
        }
        if (skipping) continue;
        pending = concat(pending, chunk);
        if (pending.length > maxLine) {
          counts.refused++;
          answer(Promise.resolve(`error line longer than ${maxLine} bytes`));
          pending = new Uint8Array(0);
          skipping = true;
        }
      }
      if (pending.length > 0 && !skipping && !closing) take(pending); // a last line without its newline
      await Promise.race([answered, stopped]);
    } catch (error) {
      if (!closing) log.debug("tcp: connection ended", { error });
    } finally {
      conns.delete(conn);
      try {
        conn.close();
      } catch { /* closed already */ }
    }
  }

  const accepting = (async () => {
    for await (const conn of listener) {
      const serving = serve(conn).finally(() => open.delete(serving));
      open.add(serving);
    }
  })().catch((error) => {
    if (!closing) log.error("tcp: listener failed", { error });
  });

  return {
    port: (listener.addr as Deno.NetAddr).port,
    stats: () => ({ ...counts }),
    async close() {
      closing = true;
      listener.close();
      await accepting;
      // what was read is answered (up to 2 s), then the connections close; unanswered lines are resent
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.allSettled([...conns.values()].map((answers) => answers())),
        new Promise((r) => (timer = setTimeout(r, 2_000))),
      ]);
      clearTimeout(timer);
      signalStop();
      for (const conn of conns.keys()) {
        try {
          conn.close();
        } catch { /* closed already */ }
      }
      await Promise.allSettled([...open]);
    },
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
