/**
 * Local ports and child processes, for the tests and the bench that start their own servers
 * (Mosquitto, redis-server, victoria-metrics, the app itself).
 * @module
 */

/** A free TCP port on 127.0.0.1 (bound, then released: free when asked, a race with others is rare). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Waits until `port` accepts a connection or `child` exits; false when it never did. */
export async function waitForPort(
  port: number,
  child: Deno.ChildProcess,
  timeoutMs: number,
): Promise<boolean> {
  let exited = false;
  child.status.then(() => (exited = true));
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline && !exited) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return true;
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  return false;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopProcess(child: Deno.ChildProcess, graceMs = 3_000): Promise<void> {
  try {
    child.kill("SIGTERM");
  } catch { /* already gone */ }
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }, graceMs);
  await child.status;
  clearTimeout(timer);
}
