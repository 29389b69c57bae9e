/**
 * Summarises V8 CPU profiles (`deno run --cpu-prof`, or `deno task bench --cpu-prof DIR`): self time by
 * function and by file, so "where does the time go" has an answer in numbers.
 *
 * Usage: `deno run -A bench/profile_summary.ts DIR_OR_FILE... [--top 25]`
 * @module
 */
import { parseArgs } from "node:util";

/** The parts of a `.cpuprofile` the summary reads. */
export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }>;
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Self time (ms) per key. */
export type SelfTimes = Map<string, number>;

/** Short file name: the package for npm files, the path under the project for ours. */
export function shortUrl(url: string): string {
  if (!url) return "(native)";
  const npm = /node_modules\/\.deno\/([^/]+)\//.exec(url) ??
    /registry\.npmjs\.org\/([^/]+\/[^/]+)\//.exec(url);
  if (npm) return `npm:${npm[1]}`;
  const ours = /^.*\/(actors|mqtt|stores|core|domain|web|routes|api|auth|bench|population)\/(.+)$/.exec(url);
  if (ours) return `${ours[1]}/${ours[2]}`;
  if (url.startsWith("ext:") || url.startsWith("node:")) return url.split("/").slice(0, 2).join("/");
  return url.split("/").slice(-2).join("/");
}

/**
 * Adds up the self time of each node: each sample's time delta goes to the node that was on top of
 * the stack. Returns self time by `function (file)` and by file.
 */
export function selfTimes(
  profile: CpuProfile,
): { byFunction: SelfTimes; byFile: SelfTimes; totalMs: number } {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byFunction: SelfTimes = new Map();
  const byFile: SelfTimes = new Map();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = nodes.get(profile.samples[i]);
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    if (!node || ms <= 0) continue;
    total += ms;
    const file = shortUrl(node.callFrame.url);
    const fn = `${node.callFrame.functionName || "(anonymous)"} (${file}:${node.callFrame.lineNumber + 1})`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
    byFile.set(file, (byFile.get(file) ?? 0) + ms);
  }
  return { byFunction, byFile, totalMs: total };
}

/** The top `n` entries as aligned lines with ms and share of `totalMs`. */
export function formatTop(times: SelfTimes, totalMs: number, n: number): string[] {
  return [...times.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([key, ms]) =>
      `${ms.toFixed(0).padStart(8)} ms ${(ms / totalMs * 100).toFixed(1).padStart(5)}%  ${key}`
    );
}

async function profileFiles(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    if ((await Deno.stat(path)).isDirectory) {
      for await (const e of Deno.readDir(path)) {
        if (e.name.endsWith(".cpuprofile")) out.push(`${path}/${e.name}`);
      }
    } else out.push(path);
  }
  return out.sort();
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: { top: { type: "string", default: "25" } },
  });
  for (const file of await profileFiles(positionals)) {
    const profile = JSON.parse(await Deno.readTextFile(file)) as CpuProfile;
    const { byFunction, byFile, totalMs } = selfTimes(profile);
    const wallMs = (profile.endTime - profile.startTime) / 1000;
    const idle = byFunction.get("(idle) ((native):0)") ?? 0;
    console.log(`\n== ${file}: ${wallMs.toFixed(0)} ms wall, ${(totalMs - idle).toFixed(0)} ms busy`);
    console.log("-- self time by file");
    for (const line of formatTop(byFile, totalMs, Number(values.top))) console.log(line);
    console.log("-- self time by function");
    for (const line of formatTop(byFunction, totalMs, Number(values.top))) console.log(line);
  }
}
