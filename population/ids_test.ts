import assert from "node:assert/strict";
import { SEED_NAMESPACE, seededRandom, stableId } from "./ids.ts";

Deno.test("stableId() is a deterministic RFC 9562 version-5 UUID per namespace and key", () => {
  const a = stableId(SEED_NAMESPACE, "plant", "Helios Solar Park");
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(stableId(SEED_NAMESPACE, "plant", "Helios Solar Park"), a);
  assert.notEqual(stableId(SEED_NAMESPACE, "plant", "Other"), a);
  assert.notEqual(stableId(crypto.randomUUID(), "plant", "Helios Solar Park"), a);
  assert.throws(() => stableId("nope", "x"), TypeError);
});

Deno.test("stableId() matches the RFC 9562 UUIDv5 test vector", () => {
  // DNS namespace, "www.example.com" (RFC 9562 appendix A.4)
  assert.equal(
    stableId("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.example.com"),
    "2ed6657d-e927-568b-95e1-2665a8aea6a2",
  );
});

Deno.test("seededRandom() repeats its sequence for the same seed and stays in [0, 1)", () => {
  const a = seededRandom("x");
  const b = seededRandom("x");
  for (let i = 0; i < 100; i++) {
    const v = a();
    assert.equal(v, b());
    assert.ok(v >= 0 && v < 1);
  }
});
