/**
 * Server-Sent Events of the change channel: actor state changes and alerts, as they are published to
 * `CHANGES_CHANNEL`, filtered by kind and entity. A comment line every {@linkcode HEARTBEAT_MS} keeps
 * proxies from closing an idle stream; the subscription ends when the client goes away (request
 * aborted or stream cancelled) or falls too far behind (it reconnects, per the `retry` hint). The
 * stream also ends when the cache's pub/sub connection is lost: events published meanwhile are missed,
 * and a client whose stream ended reads what it shows over REST again (`components/live_feed.ts`
 * polls on a stream error and once more when the stream is back), rather than showing "live" while
 * receiving nothing.
 * @module
 */
import type { Services } from "../core/services.ts";
import { type CHANGE_KINDS, ChangeEvent } from "../domain/live.ts";
import { CHANGES_CHANNEL } from "../stores/cache/cache.ts";

/** Heartbeat period. */
export const HEARTBEAT_MS = 15_000;
/** Events queued for a client before it counts as too slow and is disconnected. */
export const MAX_QUEUED = 1_000;

/** Which events a client wants; empty sets mean all. */
export interface StreamFilter {
  kinds: ReadonlySet<typeof CHANGE_KINDS[number]>;
  /** Entity ids: an event matches by its `id` or, for alerts, its `entityId`. */
  entities: ReadonlySet<string>;
}

/** Whether `event` passes `filter`. */
export function matches(event: ChangeEvent, filter: StreamFilter): boolean {
  if (filter.kinds.size > 0 && !filter.kinds.has(event.kind)) return false;
  if (filter.entities.size === 0) return true;
  return filter.entities.has(event.id) ||
    (event.entityId !== undefined && filter.entities.has(event.entityId));
}

const encoder = new TextEncoder();

/**
 * Subscribes to the change channel and answers with the event stream.
 *
 * @throws whatever the cache's `subscribe` throws (the store is down): the client gets a 503.
 */
export async function changeStream(
  services: Services,
  signal: AbortSignal,
  filter: StreamFilter,
  options: { heartbeatMs?: number } = {},
): Promise<Response> {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let unsubscribe: (() => Promise<void>) | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    signal.removeEventListener("abort", close);
    unsubscribe?.().catch((error) => services.log.warn("stream unsubscribe failed", { error }));
    try {
      controller.close();
    } catch {
      // already closed or cancelled by the client
    }
  };
  const send = (text: string) => {
    if (closed) return;
    if ((controller.desiredSize ?? 1) <= 0) {
      services.log.warn("stream client too slow; disconnected", { queued: MAX_QUEUED });
      return close();
    }
    controller.enqueue(encoder.encode(text));
  };
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      c.enqueue(encoder.encode("retry: 3000\n: connected\n\n"));
    },
    cancel: close,
  }, new CountQueuingStrategy({ highWaterMark: MAX_QUEUED }));
  try {
    unsubscribe = await services.cache.subscribe(CHANGES_CHANNEL, (message) => {
      const event = ChangeEvent.safeParse(message);
      if (event.success && matches(event.data, filter)) {
        send(`event: ${event.data.kind}\ndata: ${JSON.stringify(event.data)}\n\n`);
      }
    }, {
      onInterrupt: (error) => {
        services.log.warn("change stream ended: the cache's pub/sub connection was lost", { error });
        close();
      },
    });
  } catch (error) {
    close();
    throw error;
  }
  if (signal.aborted) close();
  else {
    signal.addEventListener("abort", close, { once: true });
    heartbeat = setInterval(() => send(": ping\n\n"), options.heartbeatMs ?? HEARTBEAT_MS);
  }
  return new Response(body, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache",
      "X-Accel-Buffering": "no",
    },
  });
}
