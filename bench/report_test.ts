import assert from "node:assert/strict";
import {
  type BenchReport,
  brokerSyscalls,
  cpuBudget,
  fmt,
  formatTable,
  type IngestFigures,
  JSON_PREFIX,
  jsonLine,
} from "./report.ts";
import { summarize } from "./histogram.ts";

const report: BenchReport = {
  version: 1,
  startedAt: "2026-01-01T00:00:00.000Z",
  command: "deno task bench --quick",
  machine: { cpu: "AMD EPYC", cores: 2, memoryGb: 23.4, deno: "2.9.6", os: "linux", kernel: "6.1" },
  raw: {
    mqtt: {
      msgPerS: 41_234.5,
      published: 100,
      delivered: 100,
      seconds: 3,
      broker: { readsPerMessage: 6.02, writesPerMessage: 2, kernelShare: 0.84 },
    },
    copy: { rowsPerS: 250_000, rows: 50_000, seconds: 0.2, method: "COPY" },
  },
  ingest: {
    plants: 1000,
    seconds: 6,
    readingsPerS: 21_000,
    ratioToRawMqtt: 0.509,
    published: 126_000,
    stored: 125_999,
    appCpuPercent: 150,
    appPeakRssMb: 180.25,
    broker: { readsPerMessage: 7.5, writesPerMessage: 3.01 },
  },
  alerts: {
    rate: 10_500,
    spikes: 3,
    committed: summarize([10, 20, 30]),
    gapLateness: summarize([]),
    missedSpikes: 0,
    missedGaps: 1,
  },
  actors: [{ plants: 10_000, rssBeforeMb: 100, rssAfterMb: 120, kbPerActor: 2.05, activationS: 0.8 }],
  api: [{ path: "/api/alerts/recent", rps: 1234, p50: 3, p99: 12, requests: 3702, errors: 0, non2xx: 0 }],
  notes: ["aedes broker"],
  durationS: 55.2,
};

Deno.test("fmt() rounds by magnitude and says n/a for missing figures", () => {
  assert.deepEqual(fmt(41_234.5, "msg/s"), "41,235 msg/s");
  assert.deepEqual(fmt(12.345), "12.3");
  assert.deepEqual(fmt(1.2345), "1.23");
  assert.deepEqual(fmt(0.01234), "0.012");
  assert.deepEqual(fmt(0), "0");
  assert.deepEqual(fmt(undefined), "n/a");
  assert.deepEqual(fmt(NaN), "n/a");
});

Deno.test("formatTable() shows every section, the ratio, losses and notes", () => {
  const text = formatTable(report);
  assert.match(text, /MQTT QoS 1 pass-through\s+41,235 msg\/s/);
  assert.match(text, /PostgreSQL COPY\s+250,000 rows\/s/);
  assert.match(text, /50\.9% of raw MQTT/);
  assert.match(text, /126000 \/ 125999\s+LOST/);
  assert.match(text, /p50 20\.0 \/ p95 30\.0 \/ p99 30\.0 ms/);
  assert.match(text, /gap alert - deadline\s+n\/a, 1 missed/);
  assert.match(text, /10,000 plants registered\s+2\.05 kB\/actor/);
  assert.match(text, /\/api\/alerts\/recent\s+1,234 req\/s, p50 3\.00 \/ p99 12\.0 ms, app CPU n\/a\/req/);
  assert.match(
    text,
    /broker syscalls per message: read \/ write\s+6\.0 \/ 2\.0, 84% of its CPU in the kernel/,
  );
  assert.match(text, /broker syscalls per reading: read \/ write\s+7\.5 \/ 3\.0$/m);
  assert.match(text, /note: aedes broker/);
  assert.deepEqual(text.split("\n").every((line) => line === line.trimEnd()), true);
});

Deno.test("brokerSyscalls() divides the window's system calls by the messages, and needs /proc io", () => {
  assert.deepEqual(brokerSyscalls({ syscalls: { reads: 600, writes: 200 }, kernelShare: 0.8 }, 100), {
    readsPerMessage: 6,
    writesPerMessage: 2,
    kernelShare: 0.8,
  });
  assert.deepEqual(brokerSyscalls({ kernelShare: 0.8 }, 100), undefined);
  assert.deepEqual(brokerSyscalls({ syscalls: { reads: 1, writes: 1 } }, 0), undefined);
});

Deno.test("formatTable() of a report with no sections still names the machine", () => {
  const text = formatTable({ version: 1, startedAt: "", command: "x", machine: {}, notes: [] });
  assert.match(text, /machine\s+cpu\s+\? \(\? cores, n\/a\)/);
});

Deno.test("jsonLine() is one prefixed line of JSON with NaN as null", () => {
  const line = jsonLine(report);
  assert.deepEqual(line.startsWith(JSON_PREFIX), true);
  assert.deepEqual(line.includes("\n"), false);
  const parsed = JSON.parse(line.slice(JSON_PREFIX.length));
  assert.deepEqual(parsed.ingest.stored, 125_999);
  assert.deepEqual(parsed.alerts.gapLateness.p50, null);
});

Deno.test("cpuBudget() splits the machine's CPU per reading and bounds the rate without the app", () => {
  const ingest: IngestFigures = {
    plants: 1000,
    seconds: 10,
    readingsPerS: 40_000,
    published: 400_000,
    stored: 400_000,
    appCpuPercent: 60,
    appPeakRssMb: 500,
    brokerCpuPercent: 52,
    publisherCpuPercent: 24,
    postgresCpuPercent: 56,
    machineCpuPercent: 196,
  };
  const budget = cpuBudget(ingest, 2, 110_000)!;
  assert.deepEqual(budget.app, 15); // 60% of a core = 600,000 µs/s over 40,000 readings/s
  assert.deepEqual(budget.broker, 13);
  assert.deepEqual(budget.publisher, 6);
  assert.deepEqual(budget.postgres, 14);
  assert.deepEqual(Math.round(budget.rest * 1000) / 1000, 1);
  // without the app: 34 µs per reading, 2 cores = 2,000,000 µs/s
  assert.deepEqual(Math.round(budget.withoutAppPerS), 58_824);
  assert.deepEqual(Math.round(budget.withoutAppRatio! * 1000), 535);
  assert.deepEqual(cpuBudget({ ...ingest, machineCpuPercent: undefined }, 2), undefined);
  assert.deepEqual(cpuBudget({ ...ingest, postgresCpuPercent: undefined }, 2)!.postgres, undefined);

  const table = formatTable({ ...report, ingest: { ...ingest, budget } });
  assert.match(
    table,
    /µs per reading: app \/ broker \/ pub \/ pg \/ rest\s+15\.0 \/ 13\.0 \/ 6\.00 \/ 14\.0 \/ 1\.00/,
  );
  assert.match(table, /ceiling if the app cost no CPU\s+58,824 readings\/s = 53\.5% of raw MQTT/);
});
