import assert from "node:assert/strict";
import { parseCpuModel } from "./machine.ts";
import { machineCpuPercent, parseProcStatCpu } from "./machine_cpu.ts";

Deno.test("parseCpuModel() reads the first model name of /proc/cpuinfo", () => {
  const text = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\nprocessor\t: 1\n";
  assert.equal(parseCpuModel(text), "AMD EPYC 7B13");
  assert.equal(parseCpuModel("processor\t: 0\n"), undefined);
});

Deno.test("parseProcStatCpu() counts idle and iowait as not busy", () => {
  const text = "cpu  100 5 50 800 40 1 4 0 0 0\ncpu0 50 2 25 400 20 0 2 0 0 0\n";
  assert.deepEqual(parseProcStatCpu(text), { busy: 160, total: 1000 });
  assert.throws(() => parseProcStatCpu("intr 1 2 3\n"), TypeError);
});

Deno.test("machineCpuPercent() scales the busy share to cores", () => {
  assert.equal(machineCpuPercent({ busy: 0, total: 0 }, { busy: 50, total: 100 }, 2), 100);
  assert.equal(machineCpuPercent({ busy: 5, total: 10 }, { busy: 5, total: 10 }, 2), 0);
});
