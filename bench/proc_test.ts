import assert from "node:assert/strict";
import { cpuPercent, GroupSampler, parseProcStat, parseProcStatus, ProcessSampler } from "./proc.ts";

Deno.test("parseProcStat() counts fields from the last parenthesis of the command", () => {
  const line = "4242 (deno (x) y) S 1 4242 4242 0 -1 4194560 1000 0 0 0 1234 567 0 0 20 0 9 0 100 0 0";
  assert.deepEqual(parseProcStat(line), { utime: 1234, stime: 567 });
  assert.throws(() => parseProcStat("garbage"), TypeError);
});

Deno.test("parseProcStatus() reads VmRSS and VmHWM in kB, 0 when absent", () => {
  const text = "Name:\tdeno\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t9\n";
  assert.deepEqual(parseProcStatus(text), { rssKb: 102_400, hwmKb: 204_800 });
  assert.deepEqual(parseProcStatus("Name:\tzombie\n"), { rssKb: 0, hwmKb: 0 });
});

Deno.test("cpuPercent() is ticks over wall time in % of one core", () => {
  assert.deepEqual(cpuPercent({ utime: 0, stime: 0 }, { utime: 150, stime: 50 }, 1_000), 200);
  assert.deepEqual(cpuPercent({ utime: 0, stime: 0 }, { utime: 10, stime: 0 }, 0), 0);
});

Deno.test("ProcessSampler samples this process", async () => {
  const sampler = new ProcessSampler(Deno.pid, { intervalMs: 20 });
  sampler.start();
  const until = performance.now() + 120;
  while (performance.now() < until) Math.sqrt(Math.random()); // keep a core busy
  await new Promise((r) => setTimeout(r, 30));
  const usage = sampler.stop();
  assert.deepEqual(usage.peakRssMb > 0, true);
  assert.deepEqual(usage.hwmMb >= usage.rssMb, true);
  assert.deepEqual(usage.seconds > 0.05, true);
});

Deno.test("GroupSampler counts a member present at start from the start, and one born later in full", async () => {
  // Present at start: this process has spent a lot of CPU before, none of which may count.
  const quiet = new GroupSampler([Deno.pid], { intervalMs: 20, discoverMs: 20 });
  await quiet.start();
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual((await quiet.stop()) < 50, true);

  // Born after the start (as a pool's second connection under load): discovered while it runs.
  const spawned: { child?: Deno.ChildProcess } = {};
  const group = new GroupSampler(() => spawned.child ? [spawned.child.pid] : [], {
    intervalMs: 20,
    discoverMs: 200,
  });
  const from = performance.now();
  await group.start();
  assert.deepEqual(group.pids, []);
  const child = spawned.child = new Deno.Command(Deno.execPath(), {
    // busy until it has used 400 ms of CPU itself (utime + stime of /proc/self/stat, in 10 ms ticks)
    args: [
      "eval",
      `
      const ticks = () => Deno.readTextFileSync("/proc/self/stat").split(") ")[1].split(" ").slice(11, 13)
        .reduce((sum, field) => sum + Number(field), 0);
      while (ticks() < 40) for (let i = 0; i < 1e5; i++) Math.sqrt(i);`,
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const pid = child.pid;
  await child.status;
  const percent = await group.stop();
  const cpuSeconds = percent / 100 * (performance.now() - from) / 1000;
  assert.deepEqual(group.pids, [pid]);
  // at least 400 ms, sampled every 20 ms until it exits; counting only from its discovery (up to 200 ms
  // after it started) would miss a good part of them
  assert.deepEqual(cpuSeconds >= 0.37, true, `counted ${cpuSeconds.toFixed(2)} s`);
});
