/**
 * One Server-Sent Events connection per page to `/api/stream`, shared by every island on it (browser
 * only). Islands subscribe with the kinds they show and a `poll` that reads the same data over REST:
 * while the stream is down the feed polls every {@linkcode POLL_MS}, and polls once more when the stream
 * comes back, so nothing published in between is missed.
 *
 * @example
 * ```ts
 * import { subscribe } from "./components/live_feed.ts";
 * const stop = subscribe({ kinds: ["alert"], onEvent: (e) => console.log(e), poll: () => {} });
 * stop();
 * ```
 * @module
 */
import { signal } from "@preact/signals";
import { refreshSession } from "./api_client.ts";
import { type LiveEvent, readEvent } from "./live_events.ts";

/** `live`: events arrive as they happen; `polling`: the stream is down and REST is polled. */
export type FeedStatus = "connecting" | "live" | "polling";

/** The feed's state, for a badge. */
export const feedStatus = signal<FeedStatus>("connecting");

/** How often data is polled while the stream is down. */
export const POLL_MS = 60_000;

/** Event kinds of `/api/stream`. */
export type StreamKind = "plant" | "ven" | "site" | "alert";

/** What an island wants from the feed. */
export interface Subscription {
  kinds: readonly StreamKind[];
  onEvent(event: LiveEvent): void;
  /** Reads the island's data over REST; called while the stream is down and when it returns. */
  poll?(): unknown;
}

const subscriptions = new Set<Subscription>();
let source: EventSource | undefined;
let sourceKinds = "";
let pollTimer: ReturnType<typeof setInterval> | undefined;
let reopenTimer: ReturnType<typeof setTimeout> | undefined;
let syncQueued = false;
let reopenDelayMs = 2_000;

function wantedKinds(): string {
  return [...new Set([...subscriptions].flatMap((s) => s.kinds))].sort().join(",");
}

function dispatch(message: MessageEvent<string>): void {
  let event: LiveEvent | undefined;
  try {
    event = readEvent(JSON.parse(message.data));
  } catch {
    return; // not JSON: nothing an island could show
  }
  if (!event) return;
  const kind = message.type as StreamKind;
  for (const s of subscriptions) if (s.kinds.includes(kind)) s.onEvent(event);
}

function pollAll(): void {
  for (const s of subscriptions) {
    Promise.resolve().then(() => s.poll?.()).catch(() => {/* the next round tries again */});
  }
}

function startPolling(): void {
  feedStatus.value = "polling";
  if (pollTimer !== undefined) return;
  pollAll();
  pollTimer = setInterval(pollAll, POLL_MS);
}

function stopPolling(): void {
  clearInterval(pollTimer);
  pollTimer = undefined;
}

function open(kinds: string): void {
  source?.close();
  sourceKinds = kinds;
  const es = new EventSource(`/api/stream?kind=${kinds}`);
  source = es;
  es.onopen = () => {
    const wasDown = pollTimer !== undefined;
    feedStatus.value = "live";
    reopenDelayMs = 2_000;
    stopPolling();
    if (wasDown) pollAll();
  };
  es.onerror = () => {
    startPolling();
    // CLOSED: the server refused the stream (an expired session, a store down); EventSource will not
    // retry by itself. Otherwise it is already reconnecting.
    if (es.readyState !== EventSource.CLOSED || source !== es) return;
    source = undefined;
    clearTimeout(reopenTimer);
    reopenTimer = setTimeout(async () => {
      await refreshSession();
      if (!source && subscriptions.size > 0) open(wantedKinds());
    }, reopenDelayMs);
    reopenDelayMs = Math.min(60_000, reopenDelayMs * 2);
  };
  for (const kind of kinds.split(",")) es.addEventListener(kind, dispatch as EventListener);
}

function sync(): void {
  syncQueued = false;
  const kinds = wantedKinds();
  if (!kinds) {
    source?.close();
    source = undefined;
    stopPolling();
    return;
  }
  if (!source || kinds !== sourceKinds) open(kinds);
}

/** Starts receiving events (one stream for all subscribers); returns the unsubscribe function. */
export function subscribe(subscription: Subscription): () => void {
  subscriptions.add(subscription);
  // islands subscribe one after another while the page hydrates: open once, for all of them
  if (!syncQueued) {
    syncQueued = true;
    setTimeout(sync, 0);
  }
  return () => {
    subscriptions.delete(subscription);
    if (!syncQueued) {
      syncQueued = true;
      setTimeout(sync, 0);
    }
  };
}
