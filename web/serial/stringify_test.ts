import assert from "node:assert/strict";
import { computed, signal } from "@preact/signals";
import { h } from "preact";
import { Parser } from "./parse.ts";
import { SlotRef } from "./slot_ref.ts";
import { Stringifier } from "./stringify.ts";

/** Stringify through JSON and back, the way a page payload travels. */
function roundTrip(...values: unknown[]): unknown[] {
  const s = new Stringifier();
  const roots = values.map((v) => s.add(v, 'Island "Test"'));
  const table = JSON.parse(JSON.stringify(s.values));
  const parser = new Parser(table, {
    signal: (value) => ({ revived: value }),
    slot: (name) => `<slot ${name}>`,
  });
  return roots.map((r) => parser.get(r));
}

Deno.test("Stringifier round-trips primitives and the values JSON cannot hold", () => {
  const input = [
    0,
    -0,
    1.5,
    NaN,
    Infinity,
    -Infinity,
    "",
    "é\u2028",
    true,
    false,
    null,
    undefined,
    10n ** 20n,
  ];
  const [output] = roundTrip(input) as unknown[][];
  assert.equal(output.length, input.length);
  input.forEach((v, i) => assert.ok(Object.is(output[i], v), `item ${i}: ${String(v)}`));
});

Deno.test("Stringifier round-trips Date, URL, Map, Set and nested plain objects", () => {
  const value = {
    at: new Date("2025-06-01T12:00:00Z"),
    invalid: new Date(NaN),
    link: new URL("http://h/p?q=1#f"),
    byId: new Map<unknown, unknown>([[1, "one"], [{ k: 1 }, [2]]]),
    tags: new Set([1, "1", null]),
    deep: { a: [{ b: { c: [] } }], empty: {} },
    sparse: [1, , 3],
  };
  const [out] = roundTrip(value) as (typeof value)[];
  assert.deepEqual(out.at, value.at);
  assert.ok(Number.isNaN(out.invalid.getTime()));
  assert.equal(out.link.href, "http://h/p?q=1#f");
  assert.deepEqual(out.byId, value.byId);
  assert.deepEqual(out.tags, value.tags);
  assert.deepEqual(out.deep, value.deep);
  assert.deepEqual(out.sparse, [1, undefined, 3]);
});

Deno.test("Stringifier keeps identity and cycles across values in one table", () => {
  const shared = { n: 1 };
  const cyclic: Record<string, unknown> = { name: "loop" };
  cyclic.self = cyclic;
  const [a, b, c] = roundTrip({ shared }, { shared }, cyclic) as Record<string, unknown>[];
  assert.equal(a.shared, b.shared);
  assert.equal(c.self, c);
});

Deno.test("Stringifier sends a signal's current value once, however often it is passed", () => {
  const count = signal(7);
  const double = computed(() => count.value * 2);
  const s = new Stringifier();
  const roots = [s.add({ count }, "A"), s.add({ count, double }, "B")];
  const parser = new Parser(JSON.parse(JSON.stringify(s.values)), {
    signal: (v) => ({ v }),
    slot: () => null,
  });
  const [a, b] = roots.map((r) => parser.get(r)) as Record<string, { v: number }>[];
  assert.equal(a.count, b.count);
  assert.equal(a.count.v, 7);
  assert.equal(b.double.v, 14);
});

Deno.test("Stringifier encodes SlotRef as a slot the parser revives", () => {
  const [out] = roundTrip({ children: new SlotRef("children") }) as Record<string, unknown>[];
  assert.equal(out.children, "<slot children>");
});

Deno.test("Parser keeps a __proto__ key as data", () => {
  const [out] = roundTrip(JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>[];
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
  assert.deepEqual(Object.keys(out), ["__proto__"]);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

Deno.test("Stringifier names the owner and path of a value it cannot send", () => {
  const s = new Stringifier();
  const cases: [unknown, RegExp][] = [
    [{ onClick: () => {} }, /^TypeError: Island "X": prop "onClick" is a function;/],
    [{ list: [1, { sym: Symbol("s") }] }, /prop "list\[1\]\.sym" is a symbol/],
    [{ conn: new (class Pool {})() }, /prop "conn" is an instance of Pool/],
    [{ m: new Map([["k", () => 1]]) }, /prop "m\.get\(k\)" is a function/],
    [{ row: { cell: h("b", null) } }, /prop "row\.cell" is JSX nested inside another value/],
    [{ re: /x/ }, /prop "re" is an instance of RegExp/],
    [() => {}, /^TypeError: Island "X": props is a function/],
  ];
  for (const [value, message] of cases) assert.throws(() => s.add(value, 'Island "X"'), message);
});

Deno.test("Parser rejects indexes and tags outside the format", () => {
  const parser = new Parser([["Nope", 1]], { signal: (v) => v, slot: () => null });
  assert.throws(() => parser.get(0), RangeError);
  assert.throws(() => parser.get(5), RangeError);
  assert.throws(() => parser.get(-99), RangeError);
});
