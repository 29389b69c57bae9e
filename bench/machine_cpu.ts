/**
 * How busy the whole machine was during a phase, from /proc/stat: a benchmark on a shared 2-core
 * machine is only as good as the quiet it ran in, so the report says how much CPU the rest of the
 * machine took (other processes, PostgreSQL's backends) besides the processes the bench tracks.
 * @module
 */

/** Busy and total jiffies of all CPUs together. */
export interface CpuJiffies {
  busy: number;
  total: number;
}

/** Parses the aggregate `cpu` line of /proc/stat (idle and iowait are not busy). */
export function parseProcStatCpu(text: string): CpuJiffies {
  const line = text.split("\n").find((l) => l.startsWith("cpu "));
  if (!line) throw new TypeError("no aggregate cpu line in /proc/stat");
  const f = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - f[3] - f[4], total };
}

/** Reads /proc/stat now; undefined off Linux. */
export function readMachineCpu(): CpuJiffies | undefined {
  try {
    return parseProcStatCpu(Deno.readTextFileSync("/proc/stat"));
  } catch {
    return undefined;
  }
}

/** Machine CPU used between two readings, in % of one core (200 = both cores of a 2-core machine). */
export function machineCpuPercent(before: CpuJiffies, after: CpuJiffies, cores: number): number {
  const total = after.total - before.total;
  if (total <= 0) return 0;
  return (after.busy - before.busy) / total * cores * 100;
}

/** The 1-minute load average, from /proc/loadavg. */
export function loadAverage(): number | undefined {
  try {
    return Number(Deno.readTextFileSync("/proc/loadavg").split(" ")[0]);
  } catch {
    return undefined;
  }
}
