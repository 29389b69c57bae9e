/**
 * CPU and memory of a process from Linux's /proc, sampled from outside so the measurement costs the
 * measured process nothing: `/proc/<pid>/stat` (utime + stime in clock ticks, every thread included,
 * so an app's Deno Workers count) and `/proc/<pid>/status` (VmRSS now, VmHWM peak since start).
 *
 * @example
 * ```ts ignore
 * import { ProcessSampler } from "./bench/proc.ts";
 * const sampler = new ProcessSampler(pid);
 * sampler.start();
 * // ... load ...
 * console.log(sampler.stop()); // { cpuPercent, peakRssMb, ... }
 * ```
 * @module
 */

/** Clock ticks per second of /proc/<pid>/stat: USER_HZ, 100 on every Linux ABI Deno runs on. */
export const CLOCK_TICKS = 100;

/** CPU time of a process in clock ticks. */
export interface CpuTicks {
  utime: number;
  stime: number;
}

/**
 * Parses `/proc/<pid>/stat`. The command name (field 2) is in parentheses and may hold spaces and
 * parentheses itself, so fields are counted from the LAST `)`.
 *
 * @throws {TypeError} when the text is not a stat line.
 */
export function parseProcStat(text: string): CpuTicks {
  const close = text.lastIndexOf(")");
  if (close < 0) throw new TypeError("not a /proc/<pid>/stat line");
  // After ")": field 3 (state) is index 0, so utime (field 14) is index 11 and stime index 12.
  const fields = text.slice(close + 2).trim().split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new TypeError("not a /proc/<pid>/stat line");
  return { utime, stime };
}

/** Memory of a process in kB, from `/proc/<pid>/status`. */
export interface ProcMemory {
  rssKb: number;
  /** Peak resident set size since the process started. */
  hwmKb: number;
}

/** Parses the VmRSS and VmHWM lines of `/proc/<pid>/status` (0 when absent, as for a zombie). */
export function parseProcStatus(text: string): ProcMemory {
  const kb = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, "m").exec(text);
    return match ? Number(match[1]) : 0;
  };
  return { rssKb: kb("VmRSS"), hwmKb: kb("VmHWM") };
}

/** System calls a process has made, from `/proc/<pid>/io` (`syscr`: read-like, `syscw`: write-like). */
export interface ProcSyscalls {
  reads: number;
  writes: number;
}

/** Parses the `syscr` and `syscw` lines of `/proc/<pid>/io`; undefined when either is missing. */
export function parseProcIo(text: string): ProcSyscalls | undefined {
  const reads = /^syscr:\s+(\d+)/m.exec(text);
  const writes = /^syscw:\s+(\d+)/m.exec(text);
  return reads && writes ? { reads: Number(reads[1]), writes: Number(writes[1]) } : undefined;
}

/** Reads the CPU ticks and memory of `pid` now; undefined once the process is gone. */
export function readProcess(pid: number): (CpuTicks & ProcMemory & { syscalls?: ProcSyscalls }) | undefined {
  try {
    const stat = parseProcStat(Deno.readTextFileSync(`/proc/${pid}/stat`));
    const mem = parseProcStatus(Deno.readTextFileSync(`/proc/${pid}/status`));
    return { ...stat, ...mem, syscalls: readSyscalls(pid) };
  } catch {
    return undefined;
  }
}

/** `/proc/<pid>/io` is readable only by the process's owner (or root): undefined where it is not. */
function readSyscalls(pid: number): ProcSyscalls | undefined {
  try {
    return parseProcIo(Deno.readTextFileSync(`/proc/${pid}/io`));
  } catch {
    return undefined;
  }
}

/** What a {@linkcode ProcessSampler} saw between start and stop. */
export interface ProcessUsage {
  /** Mean CPU over the window, in % of one core (200 = two cores busy). */
  cpuPercent: number;
  /** Highest CPU of any sample interval, in % of one core. */
  peakCpuPercent: number;
  /** Largest RSS sampled in the window, MB. */
  peakRssMb: number;
  /** Peak RSS since the process started (VmHWM), MB. */
  hwmMb: number;
  /** RSS at stop, MB. */
  rssMb: number;
  seconds: number;
  /** Share of the CPU time spent in the kernel (system calls, network stack), 0-1. */
  kernelShare?: number;
  /** System calls made in the window, where `/proc/<pid>/io` is readable. */
  syscalls?: ProcSyscalls;
}

/** Options for {@linkcode ProcessSampler}. */
export interface ProcessSamplerOptions {
  /** @default {250} */
  intervalMs?: number;
}

/** CPU share from two tick readings `ms` apart, in % of one core. */
export function cpuPercent(before: CpuTicks, after: CpuTicks, ms: number): number {
  if (ms <= 0) return 0;
  const ticks = after.utime + after.stime - before.utime - before.stime;
  return (ticks / CLOCK_TICKS) / (ms / 1000) * 100;
}

/** Samples one process at an interval between {@linkcode start} and {@linkcode stop}. */
export class ProcessSampler {
  #pid: number;
  #intervalMs: number;
  #timer?: ReturnType<typeof setInterval>;
  #first?: { at: number; ticks: CpuTicks; syscalls?: ProcSyscalls };
  #last?: { at: number; ticks: CpuTicks; syscalls?: ProcSyscalls };
  #peakCpu = 0;
  #peakRssKb = 0;
  #hwmKb = 0;
  #rssKb = 0;

  constructor(pid: number, options: ProcessSamplerOptions = {}) {
    this.#pid = pid;
    this.#intervalMs = options.intervalMs ?? 250;
  }

  start(): void {
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), this.#intervalMs);
  }

  #sample(): void {
    const now = performance.now();
    const reading = readProcess(this.#pid);
    if (!reading) return;
    if (this.#last) {
      this.#peakCpu = Math.max(this.#peakCpu, cpuPercent(this.#last.ticks, reading, now - this.#last.at));
    }
    this.#last = { at: now, ticks: reading, syscalls: reading.syscalls };
    this.#first ??= this.#last;
    this.#peakRssKb = Math.max(this.#peakRssKb, reading.rssKb);
    this.#hwmKb = Math.max(this.#hwmKb, reading.hwmKb);
    this.#rssKb = reading.rssKb;
  }

  /** Stops sampling and returns the usage over the window. */
  stop(): ProcessUsage {
    clearInterval(this.#timer);
    this.#sample();
    const first = this.#first;
    const last = this.#last;
    const ms = first && last ? last.at - first.at : 0;
    const user = first && last ? last.ticks.utime - first.ticks.utime : 0;
    const kernel = first && last ? last.ticks.stime - first.ticks.stime : 0;
    return {
      cpuPercent: first && last ? cpuPercent(first.ticks, last.ticks, ms) : 0,
      kernelShare: user + kernel > 0 ? kernel / (user + kernel) : undefined,
      syscalls: first?.syscalls && last?.syscalls
        ? {
          reads: last.syscalls.reads - first.syscalls.reads,
          writes: last.syscalls.writes - first.syscalls.writes,
        }
        : undefined,
      peakCpuPercent: this.#peakCpu,
      peakRssMb: this.#peakRssKb / 1024,
      hwmMb: this.#hwmKb / 1024,
      rssMb: this.#rssKb / 1024,
      seconds: ms / 1000,
    };
  }
}

/** Options for {@linkcode GroupSampler}. */
export interface GroupSamplerOptions extends ProcessSamplerOptions {
  /** How often `discover` is asked again. @default {500} */
  discoverMs?: number;
}

/**
 * Samples a group of processes that may grow while it runs (PostgreSQL's backends of one database: a
 * connection pool opens its second connection only under load) and adds up their CPU over the window.
 * `discover` names the group's pids at start and again every `discoverMs`. A pid first named after the
 * start was born after it, so all of its CPU time counts; a pid that exits counts up to its last sample.
 */
export class GroupSampler {
  #discover: () => number[] | Promise<number[]>;
  #intervalMs: number;
  #discoverMs: number;
  /** Ticks at the first and the last sample of every member. */
  #members = new Map<number, { first: number; last: number }>();
  #startedAt = 0;
  #timers: ReturnType<typeof setInterval>[] = [];
  #discovering?: Promise<void>;

  constructor(discover: number[] | (() => number[] | Promise<number[]>), options: GroupSamplerOptions = {}) {
    this.#discover = Array.isArray(discover) ? () => discover : discover;
    this.#intervalMs = options.intervalMs ?? 250;
    this.#discoverMs = options.discoverMs ?? 500;
  }

  /** Names the members at start (their CPU counts from now on) and keeps discovering. */
  async start(): Promise<void> {
    this.#startedAt = performance.now();
    this.#add(await this.#discover(), false);
    this.#timers.push(setInterval(() => this.#sample(), this.#intervalMs));
    this.#timers.push(setInterval(() => {
      this.#discovering ??= Promise.resolve(this.#discover())
        .then((pids) => this.#add(pids, true), () => {}) // a failed lookup is retried at the next tick
        .finally(() => this.#discovering = undefined);
    }, this.#discoverMs));
  }

  #add(pids: number[], bornSinceStart: boolean): void {
    for (const pid of pids) {
      if (this.#members.has(pid)) continue;
      const reading = readProcess(pid);
      if (!reading) continue;
      const ticks = reading.utime + reading.stime;
      this.#members.set(pid, { first: bornSinceStart ? 0 : ticks, last: ticks });
    }
  }

  #sample(): void {
    for (const [pid, member] of this.#members) {
      const reading = readProcess(pid);
      if (reading) member.last = reading.utime + reading.stime;
    }
  }

  /** Members seen so far. */
  get pids(): number[] {
    return [...this.#members.keys()];
  }

  /** Stops sampling; the group's total mean CPU over the window, in % of one core. */
  async stop(): Promise<number> {
    for (const timer of this.#timers) clearInterval(timer);
    await this.#discovering;
    this.#sample();
    const ms = performance.now() - this.#startedAt;
    let ticks = 0;
    for (const member of this.#members.values()) ticks += member.last - member.first;
    return cpuPercent({ utime: 0, stime: 0 }, { utime: ticks, stime: 0 }, ms);
  }
}
