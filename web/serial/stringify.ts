/**
 * Serializes island props into the table format described in `codes.ts`.
 *
 * @module
 */
import { isValidElement } from "preact";
import { NAN, NEGATIVE_INFINITY, NEGATIVE_ZERO, POSITIVE_INFINITY, UNDEFINED } from "./codes.ts";
import { isSignal } from "./is_signal.ts";
import { SlotRef } from "./slot_ref.ts";

const SUPPORTED = "primitives, arrays, plain objects, Date, URL, Map, Set, signals and top-level JSX";

/**
 * Builds one value table for all islands of a page, so a value (a signal above all)
 * passed to two islands is sent once and revived as one.
 *
 * @example
 * ```ts
 * import { Stringifier } from "./stringify.ts";
 *
 * const s = new Stringifier();
 * const root = s.add({ at: new Date(0), tags: new Set(["a"]) }, 'Island "Clock"');
 * console.log(root, JSON.stringify(s.values));
 * ```
 */
export class Stringifier {
  #values: unknown[] = [];
  #indexes = new Map<unknown, number>();

  /** The value table, ready for `JSON.stringify`. */
  get values(): readonly unknown[] {
    return this.#values;
  }

  /**
   * Add a value; returns its index (or a negative code).
   *
   * @param value The value, usually an island's props object.
   * @param owner Names the value's owner in errors, e.g. `Island "LiveClock"`.
   * @throws {TypeError} If the value holds a function, symbol, class instance or nested JSX;
   *   the message names the owner and the prop path.
   */
  add(value: unknown, owner: string): number {
    return this.#add(value, owner, "");
  }

  #add(value: unknown, owner: string, path: string): number {
    if (value === undefined) return UNDEFINED;
    if (typeof value === "number") {
      if (Number.isNaN(value)) return NAN;
      if (value === Infinity) return POSITIVE_INFINITY;
      if (value === -Infinity) return NEGATIVE_INFINITY;
      if (Object.is(value, -0)) return NEGATIVE_ZERO;
    }
    if (typeof value === "function" || typeof value === "symbol") {
      throw fail(owner, path, `is a ${typeof value}`);
    }
    const known = this.#indexes.get(value);
    if (known !== undefined) return known;
    const index = this.#values.push(null) - 1;
    this.#indexes.set(value, index);
    this.#values[index] = typeof value === "object" && value !== null
      ? this.#encode(value, owner, path)
      : typeof value === "bigint"
      ? ["BigInt", String(value)]
      : value;
    return index;
  }

  #encode(value: object, owner: string, path: string): unknown {
    const at = (suffix: string) => path === "" ? suffix.replace(/^\./, "") : path + suffix;
    if (Array.isArray(value)) return Array.from(value, (v, i) => this.#add(v, owner, at(`[${i}]`)));
    if (value instanceof Date) return ["Date", Number.isNaN(value.getTime()) ? null : value.getTime()];
    if (value instanceof URL) return ["URL", value.href];
    if (value instanceof Map) {
      const out: unknown[] = ["Map"];
      for (const [k, v] of value) {
        out.push(this.#add(k, owner, at(".<map key>")), this.#add(v, owner, at(`.get(${String(k)})`)));
      }
      return out;
    }
    if (value instanceof Set) {
      return [
        "Set",
        ...Array.from(value, (v) => this.#add(v, owner, at(".<set item>"))),
      ];
    }
    if (value instanceof SlotRef) return ["Slot", value.name];
    if (isSignal(value)) return ["Signal", this.#add(value.peek(), owner, at(".value"))];
    if (isValidElement(value)) throw fail(owner, path, "is JSX nested inside another value");
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw fail(owner, path, `is an instance of ${proto?.constructor?.name ?? "a class"}`);
    }
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(value)) out[k] = this.#add(v, owner, at(`.${k}`));
    return out;
  }
}

function fail(owner: string, path: string, what: string): TypeError {
  const subject = path === "" ? "props" : `prop "${path}"`;
  return new TypeError(`${owner}: ${subject} ${what}; island props must be ${SUPPORTED}`);
}
