import assert from "node:assert/strict";
import { pgBackends, withTestDatabase } from "../stores/postgres/testing.ts";
import { typedArray } from "./sink.ts";

for (const backend of pgBackends()) {
  Deno.test(`typedArray() literals round-trip quotes, backslashes, braces, NULL and jsonb (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const texts = ['a"b', "c\\d", "{x,y}", "NULL", "", null, " sp ", "ünï"];
      const json = [{ a: 'x"y\\z' }, null, "{}", [1], 1, '"s"', true, { b: null }];
      const rows = await sql<
        { t: string | null; f: number | null; j: unknown; b: boolean | null; u: string | null }[]
      >`
        select t, f, j::text as j, b, u from unnest(
          ${typedArray(texts, "text")}::text[],
          ${typedArray([1.5, null, 1e21, -2, 3, 4, 5, 6], "float8")}::float8[],
          ${typedArray(json, "jsonb")}::jsonb[],
          ${typedArray([true, false, null, true, true, true, true, true], "bool")}::bool[],
          ${
        typedArray(["6f1c2e7a-0c1b-4e55-9d1a-1b2c3d4e5f60", null, null, null, null, null, null, null], "uuid")
      }::uuid[]
        ) as u(t, f, j, b, u)`;
      assert.deepEqual(rows.map((r) => r.t), texts);
      assert.deepEqual(rows.map((r) => r.f), [1.5, null, 1e21, -2, 3, 4, 5, 6]);
      assert.deepEqual(rows.map((r) => r.b), [true, false, null, true, true, true, true, true]);
      assert.equal(rows[0].u, "6f1c2e7a-0c1b-4e55-9d1a-1b2c3d4e5f60");
      const parsed = rows.map((r) => (r.j === null ? null : JSON.parse(r.j as string)));
      assert.deepEqual(parsed, [{ a: 'x"y\\z' }, null, {}, [1], 1, "s", true, { b: null }]);
    }));
}
