import assert from "node:assert/strict";
import { withTestDatabase } from "../testing.ts";
import { assetTree } from "./hierarchy.ts";
import { camel, snake, toColumns } from "./crud.ts";

Deno.test("snake() and camel() convert between API fields and columns", () => {
  assert.equal(snake("expectedIntervalS"), "expected_interval_s");
  assert.equal(camel("expected_interval_s"), "expectedIntervalS");
  assert.equal(camel("rollup_1m"), "rollup1m");
  assert.deepEqual(toColumns({ siteId: null, name: "x", skipped: undefined }), { site_id: null, name: "x" });
});

Deno.test("assetTree() nests children under parents and cuts a parent cycle", async () => {
  await withTestDatabase("embedded", async ({ sql }) => {
    const [p] = await sql`insert into portfolios (name) values ('p') returning id`;
    const [site] =
      await sql`insert into sites (portfolio_id, name, industry_type) values (${p.id}, 's', 'office') returning id`;
    const add = async (name: string, parent: string | null = null) =>
      (await sql`insert into assets (site_id, parent_id, name, asset_type)
        values (${site.id}, ${parent}, ${name}, 'hvac') returning id`)[0].id as string;
    const root = await add("a-root");
    await add("b-child", root);
    const x = await add("x");
    const y = await add("y", x);
    await sql`update assets set parent_id = ${y} where id = ${x}`; // x <-> y
    const tree = await assetTree(sql, site.id);
    const shape = (nodes: typeof tree): unknown => nodes.map((n) => [n.name, shape(n.children)]);
    assert.deepEqual(shape(tree), [["a-root", [["b-child", []]]], ["x", [["y", []]]]]);
    JSON.stringify(tree); // finite: no cycle left
  });
});
