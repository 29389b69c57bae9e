/**
 * The parent's handle on a load process (bench/load_process.ts): spawn it, read its events, grant
 * credit, stop it.
 *
 * @example
 * ```ts ignore
 * import { LoadProcess } from "./bench/load.ts";
 * const sub = await LoadProcess.spawn({ mode: "subscribe", url, clientId: "raw-sub", filter: "a/#" });
 * console.log(sub.latest.received);
 * await sub.stop();
 * ```
 * @module
 */
import type { LoadEvent, LoadJob } from "./load_process.ts";

const SCRIPT = new URL("./load_process.ts", import.meta.url).pathname;
const encoder = new TextEncoder();

/** A running load process. */
export class LoadProcess {
  #child: Deno.ChildProcess;
  #stdin: WritableStreamDefaultWriter<Uint8Array>;
  #listeners = new Set<(event: LoadEvent) => void>();
  /** The last event, and when (bench clock, `performance.now()`) it arrived. */
  latest: LoadEvent = { t: "ready", published: 0, acked: 0, received: 0, elapsedMs: 0 };
  latestAt = 0;
  /** When the `started` event arrived (bench clock). */
  startedAt?: number;
  /** Resolves with the `done` event (or the last one, when the process died without it). */
  readonly done: Promise<LoadEvent>;

  private constructor(child: Deno.ChildProcess) {
    this.#child = child;
    this.#stdin = child.stdin.getWriter();
    this.done = this.#read();
  }

  get pid(): number {
    return this.#child.pid;
  }

  /** Spawns the process and waits for its first event (`ready` or `started`). */
  static async spawn(job: LoadJob): Promise<LoadProcess> {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", SCRIPT, JSON.stringify(job)],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const load = new LoadProcess(child);
    const first = await Promise.race([load.next(() => true), load.done]);
    if (first.t === "error" || first.t === "done") {
      throw new Error(`load process (${job.mode}) failed: ${first.message ?? first.t}`);
    }
    return load;
  }

  /** Resolves with the first event from now on that matches. */
  next(match: (event: LoadEvent) => boolean): Promise<LoadEvent> {
    return new Promise((resolve) => {
      const listener = (event: LoadEvent) => {
        if (!match(event)) return;
        this.#listeners.delete(listener);
        resolve(event);
      };
      this.#listeners.add(listener);
    });
  }

  /** Allows the publisher `total` messages in all (credit only grows). */
  credit(total: number): void {
    this.#send({ credit: total });
  }

  /** Asks the process to finish and waits for its last event. */
  async stop(): Promise<LoadEvent> {
    this.#send({ stop: true });
    const timer = setTimeout(() => this.kill(), 35_000);
    try {
      return await this.done;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills the process (when it does not stop by itself). */
  kill(): void {
    try {
      this.#child.kill("SIGKILL");
    } catch { /* already gone */ }
  }

  #send(line: Record<string, unknown>): void {
    this.#stdin.write(encoder.encode(JSON.stringify(line) + "\n")).catch(() => {});
  }

  async #read(): Promise<LoadEvent> {
    let rest = "";
    for await (const chunk of this.#child.stdout.pipeThrough(new TextDecoderStream())) {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) {
        if (!line.trim()) continue;
        const event = JSON.parse(line) as LoadEvent;
        this.latest = event;
        this.latestAt = performance.now();
        if (event.t === "started") this.startedAt = this.latestAt;
        for (const listener of [...this.#listeners]) listener(event);
      }
    }
    await this.#child.status;
    await this.#stdin.close().catch(() => {});
    return this.latest;
  }
}
