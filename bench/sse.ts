/**
 * A Server-Sent Events reader for `/api/stream`: each event with the bench-clock time it arrived.
 * @module
 */

/** One parsed event. */
export interface SseEvent {
  event: string;
  data: string;
}

/** Splits SSE text into events; returns them and the unfinished rest (to prepend to the next chunk). */
export function parseSse(text: string): { events: SseEvent[]; rest: string } {
  const events: SseEvent[] = [];
  const blocks = text.replaceAll("\r\n", "\n").split("\n\n");
  const rest = blocks.pop() ?? "";
  for (const block of blocks) {
    let event = "message";
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) continue; // comment (heartbeat)
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") event = value;
      else if (field === "data") data.push(value);
    }
    if (data.length) events.push({ event, data: data.join("\n") });
  }
  return { events, rest };
}

/** An open stream. */
export interface SseStream {
  close(): void;
  /** Resolves once the stream ended (closed by either side). */
  done: Promise<void>;
}

/** Opens `url` as an event stream and calls `onEvent` with each event and `performance.now()` at arrival. */
export async function openSse(
  url: string,
  headers: Record<string, string>,
  onEvent: (event: SseEvent, at: number) => void,
): Promise<SseStream> {
  const abort = new AbortController();
  const response = await fetch(url, {
    headers: { accept: "text/event-stream", ...headers },
    signal: abort.signal,
  });
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new Error(`${url} answered ${response.status}`);
  }
  const body = response.body.pipeThrough(new TextDecoderStream());
  const done = (async () => {
    let rest = "";
    try {
      for await (const chunk of body) {
        const at = performance.now();
        const parsed = parseSse(rest + chunk);
        rest = parsed.rest;
        for (const event of parsed.events) onEvent(event, at);
      }
    } catch { /* aborted */ }
  })();
  return { close: () => abort.abort(), done };
}
