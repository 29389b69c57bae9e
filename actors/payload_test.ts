import assert from "node:assert/strict";
import { deadLetterText, NUL_REASON, parseJsonPayload, storableText } from "./payload.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("parseJsonPayload() refuses strings holding U+0000, and only those", () => {
  assert.deepEqual(parseJsonPayload(bytes('{"type":"hvac\\u0000"}')), { ok: false, reason: NUL_REASON });
  assert.deepEqual(parseJsonPayload(bytes('{"a\\u0000":1}')), { ok: false, reason: NUL_REASON });
  assert.deepEqual(parseJsonPayload(bytes('"\\\\\\u0000"')), { ok: false, reason: NUL_REASON }); // \\ then \u0000
  // an escaped backslash followed by the letters u0000 is no NUL
  assert.deepEqual(parseJsonPayload(bytes('{"path":"C:\\\\u0000"}')), {
    ok: true,
    message: { path: "C:\\u0000" },
  });
  assert.deepEqual(parseJsonPayload(bytes('{"mw":1,"note":"\\u00e9"}')), {
    ok: true,
    message: { mw: 1, note: "é" },
  });
});

Deno.test("parseJsonPayload() reports invalid JSON with a reason PostgreSQL can store", () => {
  const r = parseJsonPayload(bytes('{"mw":1}\u0000'));
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.match(r.reason, /^invalid JSON/);
    assert.ok(!r.reason.includes("\0"));
  }
});

Deno.test("dead-letter text has U+0000 replaced and is cut at the limit", () => {
  assert.equal(storableText("a\0b\0"), "a\uFFFDb\uFFFD");
  assert.equal(storableText("plain"), "plain");
  assert.equal(deadLetterText(bytes("ab\0cdef"), 4), "ab\uFFFDc");
});
