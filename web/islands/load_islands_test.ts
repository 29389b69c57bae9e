import assert from "node:assert/strict";
import { join } from "node:path";
import { FIXTURE_ISLANDS } from "../testdata/fixture_app.ts";
import { loadIslands } from "./load_islands.ts";

Deno.test("loadIslands() names default exports after the file and named exports after themselves", async () => {
  const islands = await loadIslands(FIXTURE_ISLANDS);
  assert.deepEqual(
    islands.map(({ name, file, exportName }) => [name, file, exportName]),
    [
      ["Card", "Card.tsx", "Card"],
      ["Counter", "Counter.tsx", "default"],
      ["Inspector", "Inspector.tsx", "default"],
      ["Panel", "Panel.tsx", "default"],
    ],
  );
});

Deno.test("loadIslands() keeps names unique and safe for markers", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fresh-islands-" });
  try {
    await Deno.mkdir(join(dir, "charts"));
    await Deno.writeTextFile(join(dir, "Chart.tsx"), "export default function Chart() { return null; }");
    await Deno.writeTextFile(
      join(dir, "charts/Chart.tsx"),
      "export default function A() { return null; }\nexport const LIMIT = 3;",
    );
    await Deno.writeTextFile(join(dir, "live-feed.tsx"), "export default function Feed() { return null; }");
    const islands = await loadIslands(dir);
    assert.deepEqual(islands.map((i) => [i.name, i.file]), [
      ["Chart", "Chart.tsx"],
      ["Chart_2", "charts/Chart.tsx"],
      ["live_feed", "live-feed.tsx"],
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
