/**
 * What machine a run ran on, for the report: a figure without its machine is not reproducible.
 * @module
 */
import type { MachineInfo } from "./report.ts";

/** The CPU model name from /proc/cpuinfo (`model name`), or undefined off Linux. */
export function parseCpuModel(cpuinfo: string): string | undefined {
  return /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1].trim();
}

/** Reads the machine's CPU, cores, memory, OS and Deno version. */
export function machineInfo(): MachineInfo {
  let cpu: string | undefined;
  try {
    cpu = parseCpuModel(Deno.readTextFileSync("/proc/cpuinfo"));
  } catch {
    cpu = undefined;
  }
  return {
    cpu,
    cores: navigator.hardwareConcurrency,
    memoryGb: Math.round(Deno.systemMemoryInfo().total / 1024 ** 3 * 10) / 10,
    os: Deno.build.os,
    kernel: Deno.osRelease(),
    deno: Deno.version.deno,
    v8: Deno.version.v8,
  };
}

/** The first line `binary -h` prints (Mosquitto prints its version there), or undefined. */
export async function toolVersion(binary: string, args: string[] = ["-h"]): Promise<string | undefined> {
  try {
    const out = await new Deno.Command(binary, { args, stdout: "piped", stderr: "piped" }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    return text.split("\n").find((line) => line.trim())?.trim();
  } catch {
    return undefined;
  }
}
