import assert from "node:assert/strict";
import { BackpressureError } from "../../../core/errors.ts";
import { WriteBuffer } from "./write_buffer.ts";

Deno.test("writeBuffer.put() keeps the newest op per key, moved to the end of replay order", () => {
  const buffer = new WriteBuffer(10);
  buffer.put([{ kind: "set", key: "a", json: "1" }, { kind: "set", key: "b", json: "2" }]);
  buffer.put([{ kind: "set", key: "a", json: "3" }]);
  assert.equal(buffer.size, 2);
  assert.deepEqual(buffer.take(10).map((op) => op.key), ["b", "a"]);
  assert.deepEqual(buffer.get("a"), { kind: "set", key: "a", json: "3" });
});

Deno.test("writeBuffer.put() adds nothing and throws BackpressureError when new keys do not fit", () => {
  const buffer = new WriteBuffer(2);
  buffer.put([{ kind: "set", key: "a", json: "1" }]);
  assert.throws(
    () => buffer.put([{ kind: "set", key: "b", json: "2" }, { kind: "delete", key: "c" }]),
    BackpressureError,
  );
  assert.equal(buffer.size, 1);
  buffer.put([{ kind: "delete", key: "a" }, { kind: "set", key: "b", json: "2" }]);
  assert.equal(buffer.size, 2);
});

Deno.test("writeBuffer.settle() keeps an op rewritten after it was taken", () => {
  const buffer = new WriteBuffer(5);
  buffer.put([{ kind: "set", key: "a", json: "1" }, { kind: "set", key: "b", json: "1" }]);
  const taken = buffer.take(2);
  buffer.put([{ kind: "set", key: "a", json: "2" }]);
  buffer.settle(taken);
  assert.deepEqual(buffer.take(5), [{ kind: "set", key: "a", json: "2" }]);
});

Deno.test("writeBuffer.keysWithPrefix() lists pending sets only", () => {
  const buffer = new WriteBuffer(5);
  buffer.put([{ kind: "set", key: "latest:1", json: "1" }, { kind: "delete", key: "latest:2" }]);
  assert.deepEqual(buffer.keysWithPrefix("latest:"), ["latest:1"]);
});
