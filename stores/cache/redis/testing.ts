/**
 * Test helpers: a private `redis-server` on a spare port (never the shared one), which a test may kill
 * and restart at will, and the Redis URL the environment configures.
 * @module
 */
import { loadConfig } from "../../../core/config.ts";
import { freePort } from "../../../core/local_process.ts";

/** Whether the `redis-server` binary is on PATH. */
export function hasRedisServer(): boolean {
  try {
    const { success } = new Deno.Command("redis-server", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    })
      .outputSync();
    return success;
  } catch {
    return false;
  }
}

/** The configured `REDIS_URL`, if any. */
export function configuredRedisUrl(): string | undefined {
  return loadConfig(Deno.env.toObject()).redis.url;
}

/** A private redis-server process. */
export interface OwnRedis {
  port: number;
  url: string;
  /** Kills the server with SIGKILL (a crash, not a shutdown). */
  kill(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  restart(): Promise<void>;
  /** Kills it and removes its data directory. */
  stop(): Promise<void>;
}

/**
 * Starts `redis-server` on a spare port. With `durable`, it keeps an append-only file fsynced on every
 * write in its own temporary directory, so data written before a kill is there after a restart. `args`
 * are more server options (e.g. `["--maxmemory", "3mb"]`).
 */
export async function startOwnRedis(
  options: { durable?: boolean; args?: string[] } = {},
): Promise<OwnRedis> {
  const port = freePort();
  const dir = await Deno.makeTempDir({ prefix: "gridpulse-redis-" });
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", ""];
  args.push(
    ...(options.durable ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"]),
    ...options.args ?? [],
  );
  let child: Deno.ChildProcess | undefined;
  const start = async () => {
    child = new Deno.Command("redis-server", { args, stdout: "null", stderr: "null", stdin: "null" }).spawn();
    await waitForPing(port);
  };
  const kill = async () => {
    if (!child) return;
    const c = child;
    child = undefined;
    try {
      c.kill("SIGKILL");
    } catch { /* already gone */ }
    await c.status;
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    restart: start,
    stop: async () => {
      await kill();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

async function waitForPing(port: number, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      try {
        await conn.write(new TextEncoder().encode("PING\r\n"));
        const buf = new Uint8Array(64);
        const n = await conn.read(buf);
        if (n && new TextDecoder().decode(buf.subarray(0, n)).startsWith("+PONG")) return;
      } finally {
        conn.close();
      }
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not start`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
