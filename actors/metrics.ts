/**
 * Prometheus text exposition (version 0.0.4) for the runtime's figures: counters, gauges and
 * fixed-bucket histograms, written by hand (a dependency for this would be larger than the code).
 * @module
 */

/** A histogram with fixed upper bounds. */
export class Histogram {
  readonly bounds: readonly number[];
  #counts: number[];
  #sum = 0;
  #count = 0;

  constructor(bounds: readonly number[]) {
    this.bounds = bounds;
    this.#counts = bounds.map(() => 0);
  }

  observe(value: number): void {
    this.#sum += value;
    this.#count++;
    for (let i = 0; i < this.bounds.length; i++) {
      if (value <= this.bounds[i]) {
        this.#counts[i]++;
        return;
      }
    }
  }

  /** The value at quantile `q` (0-1), as the upper bound of its bucket; Infinity past the last one. */
  quantile(q: number): number {
    if (this.#count === 0) return 0;
    let seen = 0;
    for (let i = 0; i < this.bounds.length; i++) {
      seen += this.#counts[i];
      if (seen >= q * this.#count) return this.bounds[i];
    }
    return Infinity;
  }

  get count(): number {
    return this.#count;
  }

  get sum(): number {
    return this.#sum;
  }

  /** Cumulative bucket counts, as Prometheus wants them. */
  cumulative(): number[] {
    let total = 0;
    return this.#counts.map((c) => (total += c));
  }
}

type Labels = Record<string, string | number>;

const labelText = (labels: Labels = {}) => {
  const parts = Object.entries(labels).map(([k, v]) =>
    `${k}="${String(v).replace(/["\\\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`))}"`
  );
  return parts.length ? `{${parts.join(",")}}` : "";
};

/** Builds one exposition text. */
export class MetricsText {
  #lines: string[] = [];

  /** A counter or gauge family with one sample per label set. */
  family(name: string, type: "counter" | "gauge", help: string, samples: [Labels, number][]): this {
    this.#lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) this.#lines.push(`${name}${labelText(labels)} ${format(value)}`);
    return this;
  }

  /** A histogram family. */
  histogram(name: string, help: string, h: Histogram, labels: Labels = {}): this {
    this.#lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
    const cumulative = h.cumulative();
    h.bounds.forEach((bound, i) => {
      this.#lines.push(`${name}_bucket${labelText({ ...labels, le: bound })} ${cumulative[i]}`);
    });
    this.#lines.push(`${name}_bucket${labelText({ ...labels, le: "+Inf" })} ${h.count}`);
    this.#lines.push(
      `${name}_sum${labelText(labels)} ${format(h.sum)}`,
      `${name}_count${labelText(labels)} ${h.count}`,
    );
    return this;
  }

  toString(): string {
    return this.#lines.join("\n") + "\n";
  }
}

function format(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}
