/**
 * The embedded PostgreSQL's own isolate: PGlite executes every statement synchronously in WebAssembly, so
 * running it here keeps the main isolate (HTTP, the writer, the cache) free while a statement runs. The
 * main isolate talks to it over the PostgreSQL wire protocol on 127.0.0.1, like to any server.
 *
 * Messages in: `{ type: "start", dataPath, startParams }`, `{ type: "stop" }`.
 * Messages out: `{ type: "started", port, durable }`, `{ type: "stopped" }`, `{ type: "error", message }`.
 * @module
 */
/// <reference lib="deno.worker" />
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import fs from "node:fs";

let db: PGlite | undefined;
let server: PGLiteSocketServer | undefined;

self.onmessage = async (event: MessageEvent) => {
  const message = event.data as { type: string; dataPath?: string; startParams?: string[] };
  try {
    if (message.type === "start") {
      db = await PGlite.create(message.dataPath!, { startParams: message.startParams });
      const durable = installFsync(db);
      const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const { port } = listener.addr as Deno.NetAddr;
      listener.close();
      server = new PGLiteSocketServer({ db, port, host: "127.0.0.1", maxConnections: 1 });
      await server.start();
      self.postMessage({ type: "started", port, durable });
    } else if (message.type === "stop") {
      await server?.stop();
      await db?.close();
      self.postMessage({ type: "stopped" });
    }
  } catch (error) {
    self.postMessage({ type: "error", message: error instanceof Error ? error.message : String(error) });
  }
};

/** Gives Emscripten's host file system (NODEFS) an fsync that reaches the disk. */
function installFsync(pglite: PGlite): boolean {
  // deno-lint-ignore no-explicit-any
  const nodefs = (pglite as any).Module?.FS?.filesystems?.NODEFS;
  if (!nodefs?.stream_ops) return false;
  nodefs.stream_ops.fsync = (stream: { nfd?: number }) => {
    if (typeof stream.nfd === "number") fs.fsyncSync(stream.nfd);
    return 0;
  };
  return true;
}
