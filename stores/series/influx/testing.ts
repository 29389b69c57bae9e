/**
 * Test helpers: a private VictoriaMetrics (Debian's `victoria-metrics`, which accepts the InfluxDB 2
 * write API on `/api/v2/write`) on a spare port with its own data directory, which a test may stop and
 * start again; reading points back with `/api/v1/export`; and a fake InfluxDB 2 write endpoint that
 * refuses writes as a real one does for a wrong or revoked token, org or bucket, a partial write (422)
 * or while unavailable (503).
 * @module
 */
import { freePort } from "../../../core/local_process.ts";

/** A private victoria-metrics process. */
export interface OwnVictoriaMetrics {
  url: string;
  /** Stops it (SIGTERM, then waits), keeping its data. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  dispose(): Promise<void>;
}

/** Whether the `victoria-metrics` binary is on PATH. */
export function hasVictoriaMetrics(): boolean {
  try {
    return new Deno.Command("victoria-metrics", { args: ["-version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

/** Starts victoria-metrics on a spare 127.0.0.1 port. */
export async function startVictoriaMetrics(): Promise<OwnVictoriaMetrics> {
  const port = freePort();
  const dir = await Deno.makeTempDir({ prefix: "gridpulse-vm-" });
  const url = `http://127.0.0.1:${port}`;
  let child: Deno.ChildProcess | undefined;
  const start = async () => {
    child = new Deno.Command("victoria-metrics", {
      args: [
        `-httpListenAddr=127.0.0.1:${port}`,
        `-storageDataPath=${dir}`,
        "-loggerLevel=ERROR",
        "-search.latencyOffset=0s",
      ],
      stdout: "null",
      stderr: "null",
      stdin: "null",
    }).spawn();
    await waitHealthy(url);
  };
  const stop = async () => {
    if (!child) return;
    const c = child;
    child = undefined;
    try {
      c.kill("SIGTERM");
    } catch { /* gone */ }
    await c.status;
  };
  await start();
  return {
    url,
    stop,
    start,
    dispose: async () => {
      await stop();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

async function waitHealthy(url: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    try {
      const res = await fetch(`${url}/health`);
      await res.body?.cancel();
      if (res.ok) return;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) throw new Error(`victoria-metrics at ${url} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One exported series: labels and its samples. */
export interface ExportedSeries {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

/** Reads every series matching a selector, e.g. `{__name__="plant_mw",run="x"}` (VictoriaMetrics' export API). */
export async function exportSeries(url: string, selector: string): Promise<ExportedSeries[]> {
  // Without this, freshly ingested samples only become searchable after VictoriaMetrics' ~10 s flush.
  await (await fetch(`${url}/internal/force_flush`)).body?.cancel();
  const res = await fetch(`${url}/api/v1/export?match[]=${encodeURIComponent(selector)}`);
  const text = await res.text();
  if (!res.ok) throw new Error(`export failed: HTTP ${res.status} ${text}`);
  return text.split("\n").filter((line) => line.trim()).map((line) => JSON.parse(line));
}

/** Counts the samples of every series matching `selector`. */
export async function countSamples(url: string, selector: string): Promise<number> {
  return (await exportSeries(url, selector)).reduce((n, s) => n + s.values.length, 0);
}

/** A stand-in for InfluxDB 2's write endpoint, for refusals a real server is hard to make give. */
export interface FakeInflux {
  url: string;
  /** Lines written and accepted, in order. */
  readonly lines: string[];
  /** Write requests answered with a refusal. */
  readonly refusals: number;
  /** Every write request answered, in order: when (epoch ms), the HTTP status and its lines. */
  readonly requests: { at: number; status: number; lines: number }[];
  /** Refuse every write from now on as InfluxDB does a revoked token (401), or accept them again. */
  revoke(revoked: boolean): void;
  /**
   * Refuse the lines `reasonFor` gives a reason for, as InfluxDB 2 does a partial write: the other lines
   * of the request are written and it answers 422 naming the problem. `undefined` accepts every line.
   */
  rejectLines(reasonFor: ((line: string) => string | undefined) | undefined): void;
  /** Answer the next `count` write requests with 503 and `Retry-After: retryAfterSeconds`. */
  unavailable(count: number, retryAfterSeconds: number): void;
  /** Answer 503 (no Retry-After) to every write request with a line `holds` matches; `undefined` stops. */
  unavailableFor(holds: ((line: string) => boolean) | undefined): void;
  close(): Promise<void>;
}

/**
 * Starts a fake InfluxDB 2 on a spare 127.0.0.1 port that checks a write as InfluxDB 2 OSS does: the
 * token (401 "unauthorized access"), the org and the bucket (404), then the body (400 "writing
 * requires points" when empty); `/health` answers `pass`. It can also be told to refuse some lines
 * (422 partial write) or to be unavailable (503).
 */
export function startFakeInflux(accepts: { token: string; org: string; bucket: string }): FakeInflux {
  const lines: string[] = [];
  const requests: FakeInflux["requests"] = [];
  let refusals = 0;
  let revoked = false;
  let reasonFor: ((line: string) => string | undefined) | undefined;
  let unavailable = { count: 0, retryAfterSeconds: 0 };
  let holds: ((line: string) => boolean) | undefined;
  const answer = (
    status: number,
    body: { code: string; message: string } | null,
    count: number,
    headers = {},
  ) => {
    requests.push({ at: Date.now(), status, lines: count });
    if (status >= 400) refusals++;
    return body ? Response.json(body, { status, headers }) : new Response(null, { status, headers });
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    if (url.pathname === "/health") return Response.json({ status: "pass" });
    if (url.pathname !== "/api/v2/write" || req.method !== "POST") {
      return Response.json({ code: "not found", message: "path not found" }, { status: 404 });
    }
    const body = req.headers.get("content-encoding") === "gzip"
      ? await new Response(req.body!.pipeThrough(new DecompressionStream("gzip"))).text()
      : await req.text();
    const written = body.split("\n").filter((l) => l.trim());
    if (revoked || req.headers.get("authorization") !== `Token ${accepts.token}`) {
      return answer(401, { code: "unauthorized", message: "unauthorized access" }, written.length);
    }
    const org = url.searchParams.get("org");
    if (org !== accepts.org) {
      return answer(
        404,
        { code: "not found", message: `organization name "${org}" not found` },
        written.length,
      );
    }
    const bucket = url.searchParams.get("bucket");
    if (bucket !== accepts.bucket) {
      return answer(404, { code: "not found", message: `bucket "${bucket}" not found` }, written.length);
    }
    if (body.length === 0) return answer(400, { code: "invalid", message: "writing requires points" }, 0);
    if (unavailable.count > 0) {
      unavailable.count--;
      return answer(503, { code: "unavailable", message: "service unavailable" }, written.length, {
        "Retry-After": String(unavailable.retryAfterSeconds),
      });
    }
    if (holds && written.some(holds)) {
      return answer(503, { code: "unavailable", message: "service unavailable" }, written.length);
    }
    const refused = new Map<string, string>();
    for (const line of written) {
      const reason = reasonFor?.(line);
      if (reason === undefined) lines.push(line);
      else refused.set(line, reason);
    }
    if (refused.size > 0) {
      return answer(422, {
        code: "unprocessable entity",
        message:
          `failure writing points to database: partial write: ${[...new Set(refused.values())].join(", ")} ` +
          `dropped=${refused.size}`,
      }, written.length);
    }
    return answer(204, null, written.length);
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    lines,
    requests,
    get refusals() {
      return refusals;
    },
    revoke: (value) => (revoked = value),
    rejectLines: (fn) => (reasonFor = fn),
    unavailable: (count, retryAfterSeconds) => (unavailable = { count, retryAfterSeconds }),
    unavailableFor: (fn) => (holds = fn),
    close: () => server.shutdown(),
  };
}
