import assert from "node:assert/strict";
import { Parser } from "../serial/parse.ts";
import { captureStderr } from "../testdata/fixture_app.ts";
import { islandApp } from "../testdata/island_app.ts";

const fixture = await islandApp();
globalThis.addEventListener("unload", () => fixture.disposeSync());

interface Page {
  html: string;
  components: string;
  props: Record<string, unknown>[];
}

/** Fetch a page and revive its island props the way the browser runtime does. */
async function load(path: string): Promise<Page> {
  const res = await fixture.get(path);
  assert.equal(res.status, 200, path);
  const html = await res.text();
  const m = /boot\((\{[^}]*\}),(\{"roots".*\})\);<\/script>/.exec(html);
  assert.ok(m, "the page has a boot script");
  const { roots, values } = JSON.parse(m[2]);
  const parser = new Parser(values, { signal: (value) => ({ value }), slot: (name) => ({ slot: name }) });
  return { html, components: m[1], props: roots.map((r: number) => parser.get(r)) };
}

Deno.test("island markers wrap the server HTML and the props survive serialization", async () => {
  const { html, props: [props] } = await load("/props");
  assert.match(
    html,
    /<!--frsh:island:Inspector:0--><pre class="inspector">date:Date map:Map set:Set url:URL /,
  );
  assert.match(html, /<\/pre><!--\/frsh:island:0-->/);
  assert.equal(
    html.match(/<script/g)?.length,
    1,
    "one script, and the </script> in a prop did not open another",
  );
  assert.match(html, /<script type="module">import\{boot\}from"\/_islands\/fresh-runtime-\w+\.js";/);

  assert.deepEqual(props.date, new Date(Date.UTC(2025, 0, 2, 3, 4, 5)));
  assert.deepEqual(props.map, new Map<string, unknown>([["a", 1], ["nested", new Set([1, 2])]]));
  assert.deepEqual(props.set, new Set(["x", "y"]));
  assert.ok(props.url instanceof URL);
  assert.equal((props.url as URL).href, "https://example.com/a?b=1");
  assert.ok(Number.isNaN(props.nan));
  assert.equal(props.inf, Infinity);
  assert.equal(props.ninf, -Infinity);
  assert.ok(Object.is(props.negzero, -0));
  assert.ok("undef" in props && props.undef === undefined);
  assert.equal(props.nil, null);
  assert.equal(props.text, "</script><script>alert(1)</script>");
  assert.deepEqual(props.list, [1, "two", [3], { four: 4 }]);
  assert.equal(props.same1, props.same2, "one object passed twice stays one object");
});

Deno.test("one signal passed to two islands is one value in the payload", async () => {
  const { html, components, props } = await load("/signals");
  assert.match(html, /<!--frsh:island:Counter:0-->.*<span class="count">3<\/span>.*<!--\/frsh:island:0-->/);
  assert.match(html, /<!--frsh:island:Counter:1-->/);
  assert.equal(components, '{"Counter":i0["default"]}');
  const [a, b] = props as { count: { value: number } }[];
  assert.equal(a.count, b.count);
  assert.equal(a.count.value, 3);
});

Deno.test("JSX children of an island are server-rendered in a slot and sent as a slot reference", async () => {
  const { html, components, props } = await load("/slot");
  assert.match(
    html,
    /<!--frsh:island:Card:0--><section class="card-island"><h2>Plant p-7<\/h2><div class="card-body"><!--frsh:slot:0:children--><p class="server-child">rendered on the <strong>server<\/strong><\/p><!--frsh:island:Counter:1-->/,
  );
  assert.match(html, /<!--\/frsh:island:1--><!--\/frsh:slot:0:children--><\/div>/);
  assert.deepEqual(props[0], { title: "Plant p-7", children: { slot: "children" } });
  assert.equal((props[1] as { label: string }).label, "in-slot", "an island inside a slot is an island");
  assert.equal(components, '{"Card":i0["Card"],"Counter":i1["default"]}');
});

Deno.test("an island inside another island renders as a plain component", async () => {
  const { html, components, props } = await load("/nested");
  assert.equal(html.match(/<!--frsh:island:/g)?.length, 1);
  assert.match(html, /<!--frsh:island:Panel:0--><div class="panel"><div class="counter" data-label="inner"/);
  assert.equal(components, '{"Panel":i0["default"]}');
  assert.deepEqual(props, [{}]);
});

Deno.test("a function or class instance prop fails the render, naming the island and the prop", async () => {
  for (
    const [path, expected] of [
      ["/function-prop", 'Island "Inspector": prop "config.items[0].onPick" is a function'],
      ["/class-prop", 'Island "Inspector": prop "client" is an instance of Client'],
    ]
  ) {
    let res!: Response;
    const logged = await captureStderr(async () => {
      res = await fixture.get(path);
    });
    assert.equal(res.status, 500);
    assert.doesNotMatch(await res.text(), /Inspector/, "the reason stays in the log");
    assert.equal(logged.length, 1);
    assert.ok(JSON.parse(logged[0]).error.message.startsWith(expected), logged[0]);
  }
});

Deno.test("a page without islands ships no JavaScript", async () => {
  const res = await fixture.get("/plain");
  const html = await res.text();
  assert.equal(
    html,
    '<!DOCTYPE html><html><head><link rel="icon" href="data:,"></head><body><p>no islands here</p></body></html>',
  );
});

Deno.test("the boot script imports content-hashed bundles that staticFiles() serves as immutable", async () => {
  const { html } = await load("/signals");
  const urls = [...html.matchAll(/from"(\/_islands\/[\w-]+\.js)"/g)].map((m) => m[1]);
  assert.deepEqual(urls, [fixture.manifest.client, fixture.manifest.islands["Counter.tsx"]]);
  for (const url of urls) {
    const res = await fixture.get(url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("Cache-Control"), "public, max-age=31536000, immutable");
    assert.match(await res.text(), /export\s*\{/);
  }
});
