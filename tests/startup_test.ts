/**
 * Start-up on embedded defaults: GridPulse starts in a temp data dir with no external service, reports
 * every store, keeps its data across a restart, and keeps a committed row when the process is killed.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../core/config.ts";
import { startGridPulse } from "../core/boot.ts";
import { silentLogger } from "../core/log.ts";
import { freePort } from "../core/local_process.ts";
import { monthStart, partitionName } from "../stores/postgres/partitions.ts";

function embeddedConfig(dataDir: string, port = 0, more: Record<string, string> = {}) {
  // No service URLs: everything embedded. Port 0: any free port.
  return loadConfig({ PORT: String(port), HOST: "127.0.0.1", DATA_DIR: dataDir, SIMULATE: "off", ...more });
}

/** `/api/ready` answers polled until `done` settles (a refused connection is no answer). */
async function pollReady(url: string, done: Promise<unknown>) {
  const answers: {
    status: number;
    body: { status: string; stores: { store: string; detail?: string }[] };
  }[] = [];
  let finished = false;
  done.finally(() => (finished = true)).catch(() => {});
  while (!finished) {
    try {
      const response = await fetch(`${url}/api/ready`);
      answers.push({ status: response.status, body: await response.json() });
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  return answers;
}

Deno.test("startGridPulse() on embedded defaults reports every store and keeps data across a restart", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "gridpulse-start-" });
  try {
    const lines: string[] = [];
    const port = freePort();
    const starting = startGridPulse(embeddedConfig(dataDir, port), {
      log: silentLogger,
      print: (l) => lines.push(l),
    });
    const answers = await pollReady(`http://127.0.0.1:${port}`, starting);
    let running = await starting;
    try {
      // while it seeds and starts the actors, /api/ready says so with a 503, never a timeout
      const during = answers.find((a) =>
        a.body.stores.some((s) => s.detail?.startsWith("starting: seeding"))
      );
      assert.ok(during, `a 503 naming the seeding among ${JSON.stringify(answers.map((a) => a.body))}`);
      assert.equal(during.status, 503);
      assert.equal(during.body.status, "unavailable");
      const ready = await fetch(`${running.url}/api/ready`);
      assert.equal(ready.status, 200, "ready once started");
      assert.ok(!(await ready.json()).stores.some((s: { store: string }) => s.store === "startup"));
      assert.match(lines.join("\n"), /postgres +embedded PGlite .*fsync on commit/);
      assert.match(lines.join("\n"), /documents +PostgreSQL JSONB tables/);
      assert.match(lines.join("\n"), /cache +in-process/);
      assert.match(lines.join("\n"), /series +off/);
      assert.match(
        lines.find((l) => l.startsWith("GridPulse is running"))!,
        /^GridPulse is running at http:\/\/127\.0\.0\.1:\d+$/,
      );
      const statuses = await running.services.health();
      const byStore = Object.fromEntries(statuses.map((s) => [s.store, s]));
      assert.equal(byStore.postgres.state, "up");
      assert.equal(byStore.postgres.backend, "embedded PGlite");
      assert.equal(byStore.cache.state, "up");
      assert.equal(byStore.documents.state, "up");
      const page = await fetch(`${running.url}/`);
      assert.equal(page.status, 200);
      await page.body?.cancel();
      // the start made the readings' partitions of this month and the next ones
      for (const ahead of [0, 1, 2, 3]) {
        const name = partitionName("meter_readings", monthStart(Date.now(), ahead));
        const [{ found }] = await running.services.sql<{ found: string | null }[]>`
          select to_regclass(${name})::text as found`;
        assert.equal(found, name);
      }
      await running.services
        .sql`insert into plants (name, asset_type, capacity_mw) values ('Kept', 'hydro', 12)`;
    } finally {
      await running.stop();
    }
    running = await startGridPulse(embeddedConfig(dataDir), { log: silentLogger, print: () => {} });
    try {
      const rows = await running.services.sql`select capacity_mw from plants where name = 'Kept'`;
      assert.deepEqual(rows.map((r) => r.capacity_mw), [12]);
    } finally {
      await running.stop();
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("embedded PostgreSQL keeps a committed row when the process is killed", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "gridpulse-crash-" });
  try {
    const script = `
      import { openPostgres } from "${new URL("../stores/postgres/client.ts", import.meta.url)}";
      import { migrate } from "${new URL("../stores/postgres/migrate.ts", import.meta.url)}";
      import { silentLogger } from "${new URL("../core/log.ts", import.meta.url)}";
      const pg = await openPostgres({ dataDir: ${JSON.stringify(dataDir)}, log: silentLogger });
      await migrate(pg.sql);
      await pg.sql\`insert into plants (name, asset_type, capacity_mw) values ('Survivor', 'wind', 7)\`;
      console.log("committed");
      await new Promise(() => {}); // hang until killed
    `;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["eval", "--ext=ts", script],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    while (!out.includes("committed")) {
      const { value, done } = await reader.read();
      if (done) break;
      out += value;
    }
    child.kill("SIGKILL");
    await child.status;
    await reader.cancel();
    assert.ok(out.includes("committed"), "the child never committed");
    // The lock file of the killed process is stale: the next start must take it over.
    const running = await startGridPulse(embeddedConfig(dataDir), { log: silentLogger, print: () => {} });
    try {
      const rows = await running.services.sql`select name from plants where name = 'Survivor'`;
      assert.equal(rows.length, 1);
    } finally {
      await running.stop();
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("startGridPulse() refuses a second process on the same embedded data dir", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "gridpulse-lock-" });
  try {
    await Deno.mkdir(dataDir, { recursive: true });
    // A live process (pid 1 always exists) holds the lock.
    await Deno.writeTextFile(`${dataDir}/pg.lock`, "1");
    await assert.rejects(
      startGridPulse(embeddedConfig(dataDir), { log: silentLogger, print: () => {} }),
      /in use by process 1/,
    );
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("stop() ends open /api/stream connections instead of waiting for their clients", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "gridpulse-stop-" });
  try {
    const config = embeddedConfig(dataDir, 0, {
      MQTT_EMBEDDED_PORT: "0",
      ADMIN_PASSWORD: "stop-test-password",
    });
    const running = await startGridPulse(config, {
      log: silentLogger,
      print: () => {},
      seed: false,
      runtime: false,
    });
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
    try {
      const login = await fetch(`${running.url}/api/auth/token`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "admin", password: "stop-test-password" }),
      });
      assert.equal(login.status, 200);
      const { accessToken } = await login.json();
      const stream = await fetch(`${running.url}/api/stream`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      assert.equal(stream.status, 200);
      reader = stream.body!.getReader();
      await reader.read(); // the stream is open: its first bytes arrived
    } finally {
      // a dashboard left open must not hold the process: stop() ends the stream and returns
      let timer: ReturnType<typeof setTimeout> | undefined;
      const bounded = await Promise.race([
        running.stop().then(() => "stopped"),
        new Promise((r) => (timer = setTimeout(() => r("still waiting after 10 s"), 10_000))),
      ]);
      clearTimeout(timer);
      await reader?.cancel().catch(() => {});
      assert.equal(bounded, "stopped");
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
