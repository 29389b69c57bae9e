import assert from "node:assert/strict";
import {
  cpuPercent,
  GroupSampler,
  parseProcIo,
  parseProcStat,
  parseProcStatus,
  ProcessSampler,
} from "./proc.ts";

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

Deno.test("parseProcIo() reads the read and write system call counts", () => {
  const text = "rchar: 10\nwchar: 20\nsyscr: 4966163\nsyscw: 1655365\nread_bytes: 0\n";
  assert.deepEqual(parseProcIo(text), { reads: 4_966_163, writes: 1_655_365 });
  assert.deepEqual(parseProcIo("rchar: 10\n"), undefined);
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
  assert.deepEqual(
    usage.kernelShare === undefined || (usage.kernelShare >= 0 && usage.kernelShare <= 1),
    true,
  );
  assert.deepEqual((usage.syscalls?.reads ?? -1) > 0, true); // this process reads /proc itself while sampling
});

Deno.test("GroupSampler counts a member present at start from the start, and one born later in full", async () => {
  // Present at start: a child that has spent 300 ms of CPU and then sleeps; none of it may count. (Not this
  // process: the suite's other tests run on its threads meanwhile.)
  const sleeper = busyChild(30, 5_000);
  while (ticksOf(sleeper.pid) < 30) await new Promise((r) => setTimeout(r, 20));
  const quiet = new GroupSampler([sleeper.pid], { intervalMs: 20, discoverMs: 20 });
  await quiet.start();
  await new Promise((r) => setTimeout(r, 150));
  const quietPercent = await quiet.stop();
  sleeper.kill();
  await sleeper.status;
  assert.deepEqual(quietPercent < 20, true, `counted ${quietPercent.toFixed(0)}%`);

  // Born after the start (as a pool's second connection under load): discovered while it runs.
  const spawned: { child?: Deno.ChildProcess } = {};
  const group = new GroupSampler(() => spawned.child ? [spawned.child.pid] : [], {
    intervalMs: 20,
    discoverMs: 200,
  });
  const from = performance.now();
  await group.start();
  assert.deepEqual(group.pids, []);
  const child = spawned.child = busyChild(40, 0);
  const pid = child.pid;
  await child.status;
  const percent = await group.stop();
  const cpuSeconds = percent / 100 * (performance.now() - from) / 1000;
  assert.deepEqual(group.pids, [pid]);
  // at least 400 ms, sampled every 20 ms until it exits; counting only from its discovery (up to 200 ms
  // after it started) would miss a good part of them
  assert.deepEqual(cpuSeconds >= 0.37, true, `counted ${cpuSeconds.toFixed(2)} s`);
});

/** CPU ticks (10 ms) a process has used so far, from /proc/<pid>/stat. */
function ticksOf(pid: number): number {
  const { utime, stime } = parseProcStat(Deno.readTextFileSync(`/proc/${pid}/stat`));
  return utime + stime;
}

/** A child process busy until it has used `ticks` of CPU itself, then asleep for `sleepMs`. */
function busyChild(ticks: number, sleepMs: number): Deno.ChildProcess {
  const script = `
    const ticks = () => Deno.readTextFileSync("/proc/self/stat").split(") ")[1].split(" ").slice(11, 13)
      .reduce((sum, field) => sum + Number(field), 0);
    while (ticks() < ${ticks}) for (let i = 0; i < 1e5; i++) Math.sqrt(i);
    if (${sleepMs} > 0) await new Promise((r) => setTimeout(r, ${sleepMs}));`;
  return new Deno.Command(Deno.execPath(), { args: ["eval", script], stdout: "null", stderr: "null" })
    .spawn();
}
