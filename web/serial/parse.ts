/**
 * Revives values from the table format described in `codes.ts`. Runs in the browser.
 *
 * @module
 */
import { NAN, NEGATIVE_INFINITY, NEGATIVE_ZERO, POSITIVE_INFINITY, type Tag, UNDEFINED } from "./codes.ts";

/** How the tagged values that need the browser runtime are revived. */
export interface Revivers {
  /** Wrap a value in a signal. */
  signal(value: unknown): unknown;
  /** Stand in for a JSX prop; the runtime replaces it from the DOM. */
  slot(name: string): unknown;
}

const CODES = new Map<number, unknown>([
  [UNDEFINED, undefined],
  [NAN, NaN],
  [POSITIVE_INFINITY, Infinity],
  [NEGATIVE_INFINITY, -Infinity],
  [NEGATIVE_ZERO, -0],
]);

/**
 * Reads values out of one table; an index read twice yields the same object, so a
 * signal shared by two islands is one signal again.
 *
 * @example
 * ```ts
 * import { Parser } from "./parse.ts";
 *
 * const parser = new Parser([{ at: 1 }, ["Date", 0]], { signal: (v) => v, slot: () => null });
 * console.log(parser.get(0)); // { at: 1970-01-01T00:00:00.000Z }
 * ```
 */
export class Parser {
  #values: readonly unknown[];
  #revivers: Revivers;
  #cache = new Map<number, unknown>();

  /** @param values The value table. @param revivers How signals and slots are revived. */
  constructor(values: readonly unknown[], revivers: Revivers) {
    this.#values = values;
    this.#revivers = revivers;
  }

  /**
   * The value at `index`.
   *
   * @throws {RangeError} If the index or a tag is not part of the format.
   */
  get(index: number): unknown {
    if (index < 0) {
      if (!CODES.has(index)) throw new RangeError(`Unknown value code ${index}`);
      return CODES.get(index);
    }
    if (this.#cache.has(index)) return this.#cache.get(index);
    if (index >= this.#values.length) throw new RangeError(`Value index ${index} out of range`);
    const entry = this.#values[index];
    if (typeof entry !== "object" || entry === null) return entry;
    if (Array.isArray(entry) && typeof entry[0] === "string") return this.#tagged(index, entry);
    if (Array.isArray(entry)) {
      const out: unknown[] = [];
      this.#cache.set(index, out);
      for (const i of entry) out.push(this.get(i));
      return out;
    }
    const out: Record<string, unknown> = {};
    this.#cache.set(index, out);
    for (const [k, i] of Object.entries(entry as Record<string, number>)) {
      // defineProperty, so a "__proto__" key stays a key instead of replacing the prototype.
      Object.defineProperty(out, k, {
        value: this.get(i),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }

  #tagged(index: number, [tag, ...args]: unknown[]): unknown {
    const remember = <T>(value: T): T => (this.#cache.set(index, value), value);
    switch (tag as Tag) {
      case "Date":
        return remember(new Date(args[0] === null ? NaN : args[0] as number));
      case "URL":
        return remember(new URL(args[0] as string));
      case "BigInt":
        return remember(BigInt(args[0] as string));
      case "Slot":
        return remember(this.#revivers.slot(args[0] as string));
      case "Signal":
        return remember(this.#revivers.signal(this.get(args[0] as number)));
      case "Set": {
        const set = remember(new Set());
        for (const i of args) set.add(this.get(i as number));
        return set;
      }
      case "Map": {
        const map = remember(new Map());
        for (let i = 0; i < args.length; i += 2) {
          map.set(this.get(args[i] as number), this.get(args[i + 1] as number));
        }
        return map;
      }
      default:
        throw new RangeError(`Unknown value tag ${String(tag)}`);
    }
  }
}
