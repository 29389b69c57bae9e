import assert from "node:assert/strict";
import { z } from "zod";
import { ValidationError } from "../core/errors.ts";
import { parseInput, queryObject, readJson } from "./validate.ts";

const Body = z.strictObject({
  name: z.string().min(1),
  size: z.number().max(10),
  tags: z.array(z.string()).max(1),
});

Deno.test("parseInput() names every bad field with an API message, one per unknown key", () => {
  try {
    parseInput(Body, { name: "", size: 11, tags: ["a", "b"], colour: 1, shade: 2 }, "body");
    assert.fail("expected a ValidationError");
  } catch (error) {
    assert.ok(error instanceof ValidationError);
    assert.deepEqual(error.problems, [
      { field: "name", message: "must not be empty" },
      { field: "size", message: "must be at most 10" },
      { field: "tags", message: "must be at most 1 items" },
      { field: "colour", message: "is not a known field" },
      { field: "shade", message: "is not a known field" },
    ]);
    assert.match(error.message, /^Invalid body: name must not be empty; size must be at most 10/);
  }
  assert.throws(() => parseInput(Body, undefined, "body"), { message: "Invalid body: is required" });
  assert.throws(() => parseInput(Body, [], "body"), { message: "Invalid body: must be an object" });
  assert.throws(() => parseInput(Body, { size: 1, tags: [] }, "body"), {
    message: "Invalid body: name is required",
  });
});

Deno.test("queryObject() keeps single values as strings and repeats as arrays", () => {
  assert.deepEqual(queryObject(new URL("http://x/?a=1&b=2&b=3")), { a: "1", b: ["2", "3"] });
});

Deno.test("readJson() wants JSON with a JSON content type", async () => {
  const req = (body: string, type = "application/json") =>
    new Request("http://x/", { method: "POST", body, headers: { "Content-Type": type } });
  assert.deepEqual(await readJson(req('{"a":1}')), { a: 1 });
  assert.deepEqual(await readJson(req('{"a":1}', "application/merge-patch+json")), { a: 1 });
  assert.equal(await readJson(req("  ")), undefined);
  await assert.rejects(readJson(req("{")), { message: "Invalid body: not valid JSON" });
  await assert.rejects(readJson(req("a=1", "application/x-www-form-urlencoded")), ValidationError);
});
