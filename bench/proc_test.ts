import assert from "node:assert/strict";
import { cpuPercent, parseProcStat, parseProcStatus, ProcessSampler } from "./proc.ts";

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
