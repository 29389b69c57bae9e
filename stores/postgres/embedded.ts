/**
 * The embedded PostgreSQL: PGlite (PostgreSQL compiled to WebAssembly) with its data in `DATA_DIR/pg`,
 * served over the PostgreSQL wire protocol on 127.0.0.1 by pglite-socket so that postgres.js runs the
 * same code against it as against a real server. PGlite runs in its own Worker (`embedded_worker.ts`):
 * it executes statements synchronously, and in the main isolate it would stall HTTP and the writer.
 *
 * Durability: PGlite starts PostgreSQL with `-F` (fsync off), and its Emscripten file system turns
 * `fdatasync` into a no-op and has no `fsync` for host files at all. We start it without `-F`, with
 * `wal_sync_method=fsync`, and give the host file system a real `fsync`, so a commit is on disk before
 * it is acknowledged, as with a real server. {@linkcode EmbeddedPostgres.durable} reports whether that
 * hook could be installed.
 *
 * One process at a time: a lock file with the owner's pid keeps a second process (say `deno task seed`
 * while the app runs) from opening the same files, which would corrupt them.
 * @module
 */
import type { Logger } from "../../core/log.ts";
import { StoreUnavailableError } from "../../core/errors.ts";

/** A running embedded PostgreSQL. */
export interface EmbeddedPostgres {
  /** A postgres:// URL for postgres.js (one connection at a time). */
  url: string;
  dataPath: string;
  durable: boolean;
  close(): Promise<void>;
}

// PGlite's defaults minus "-F" (fsync off), plus a WAL sync method that reaches our fsync hook.
const START_PARAMS = [
  "--single",
  "-O",
  "-j",
  "-c",
  "search_path=public",
  "-c",
  "exit_on_error=false",
  "-c",
  "log_checkpoints=false",
  "-c",
  "max_worker_processes=0",
  "-c",
  "max_parallel_workers=0",
  "-c",
  "max_parallel_workers_per_gather=0",
  "-c",
  "io_method=sync",
  "-c",
  "max_parallel_maintenance_workers=0",
  "-c",
  "wal_sync_method=fsync",
  "-c",
  "timezone=UTC",
];

/** Starts PGlite on `dataDir/pg` in its own Worker and serves it on a free 127.0.0.1 port. */
export async function startEmbeddedPostgres(
  dataDir: string,
  { log }: { log: Logger },
): Promise<EmbeddedPostgres> {
  const dataPath = `${dataDir.replace(/\/+$/, "")}/pg`;
  await Deno.mkdir(dataPath, { recursive: true });
  const releaseLock = await acquireLock(`${dataDir.replace(/\/+$/, "")}/pg.lock`);
  const worker = new Worker(new URL("./embedded_worker.ts", import.meta.url), { type: "module" });
  try {
    const started = await request(worker, { type: "start", dataPath, startParams: START_PARAMS }, "started");
    const durable = Boolean(started.durable);
    if (!durable) {
      log.warn("embedded postgres cannot fsync: commits survive a crash of GridPulse, not of the OS");
    }
    return {
      url: `postgres://postgres@127.0.0.1:${started.port}/postgres`,
      dataPath,
      durable,
      close: async () => {
        await request(worker, { type: "stop" }, "stopped").catch(() => {});
        worker.terminate();
        await releaseLock();
      },
    };
  } catch (error) {
    worker.terminate();
    await releaseLock();
    throw new StoreUnavailableError("postgres", `Embedded PostgreSQL in ${dataPath} failed to start`, {
      cause: error,
    });
  }
}

/** Sends `message` to the worker and waits for the reply of type `expect` (or its error). */
function request(
  worker: Worker,
  message: Record<string, unknown>,
  expect: string,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const onMessage = (event: MessageEvent) => {
      const reply = event.data as Record<string, unknown>;
      if (reply.type !== expect && reply.type !== "error") return;
      cleanup();
      if (reply.type === "error") reject(new Error(String(reply.message)));
      else resolve(reply);
    };
    const onError = (event: ErrorEvent) => {
      event.preventDefault();
      cleanup();
      reject(new Error(event.message));
    };
    const cleanup = () => {
      worker.removeEventListener("message", onMessage);
      worker.removeEventListener("error", onError);
    };
    worker.addEventListener("message", onMessage);
    worker.addEventListener("error", onError);
    worker.postMessage(message);
  });
}

async function acquireLock(path: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const file = await Deno.open(path, { createNew: true, write: true });
      await file.write(new TextEncoder().encode(String(Deno.pid)));
      file.close();
      return async () => void await Deno.remove(path).catch(() => {});
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
      const owner = Number(await Deno.readTextFile(path).catch(() => ""));
      if (owner && owner !== Deno.pid && !processAlive(owner)) {
        await Deno.remove(path).catch(() => {}); // stale: its owner is gone
        continue;
      }
      throw new StoreUnavailableError(
        "postgres",
        `The embedded database in ${path.replace(/\.lock$/, "")} is in use by process ${
          owner || "unknown"
        }; ` +
          "stop that GridPulse process first, or set DATABASE_URL to use a PostgreSQL server",
      );
    }
  }
  throw new StoreUnavailableError("postgres", `Cannot take the embedded database lock ${path}`);
}

function processAlive(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    // without /proc (macOS, Windows) we cannot tell: assume alive, never risk two writers
    return !existsSync("/proc/self");
  }
}

function existsSync(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}
