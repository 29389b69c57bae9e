/**
 * Progress of a seed run: each step reports its row count and time, and the CLI prints one line per
 * step and a summary table at the end.
 * @module
 */

/** One finished step. */
export interface SeedProgress {
  step: string;
  rows: number;
  stepMs: number;
  totalMs: number;
}

/** Called after every step. */
export type OnProgress = (progress: SeedProgress) => void;

/** Runs named steps in order, timing them and reporting each to `onProgress`. */
export class Steps {
  readonly #onProgress?: OnProgress;
  readonly #started = performance.now();
  /** Rows per step, in order. */
  readonly counts: Record<string, number> = {};

  constructor(onProgress?: OnProgress) {
    this.#onProgress = onProgress;
  }

  /** Runs `fn`, which returns the rows it wrote. */
  async run(step: string, fn: () => Promise<number>): Promise<void> {
    const started = performance.now();
    const rows = await fn();
    this.counts[step] = (this.counts[step] ?? 0) + rows;
    const now = performance.now();
    this.#onProgress?.({ step, rows, stepMs: now - started, totalMs: now - this.#started });
  }
}

/** One progress line: `  plants and offers        21 rows    0.04 s   (total 0.31 s)`. */
export function formatProgress(p: SeedProgress): string {
  return `  ${p.step.padEnd(34)} ${String(p.rows).padStart(7)} rows ${
    (p.stepMs / 1000).toFixed(2).padStart(7)
  } s` +
    `   (total ${(p.totalMs / 1000).toFixed(2)} s)`;
}

/** A two-column table of row counts, aligned, with a total. */
export function summaryTable(title: string, counts: [string, number][]): string {
  const width = Math.max(title.length, ...counts.map(([name]) => name.length)) + 2;
  const rule = "-".repeat(width + 10);
  const lines = [title.padEnd(width) + "rows".padStart(10), rule];
  for (const [name, n] of counts) lines.push(name.padEnd(width) + String(n).padStart(10));
  lines.push(rule, "total".padEnd(width) + String(counts.reduce((a, [, n]) => a + n, 0)).padStart(10));
  return lines.join("\n");
}
