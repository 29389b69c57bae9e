/**
 * The one module script a page with islands gets: it imports the runtime and the
 * bundles of the islands on the page and hands them the serialized props.
 *
 * @module
 */
import type { BuildManifest } from "../build/manifest.ts";
import { Stringifier } from "../serial/stringify.ts";
import type { IslandInstance } from "./island_render.ts";

/**
 * The `<script type="module">` for the islands rendered on a page.
 *
 * @throws {TypeError} If an island's props cannot be serialized.
 * @throws {Error} If an island has no bundle in `manifest`.
 */
export function bootScript(instances: readonly IslandInstance[], manifest: BuildManifest): string {
  const stringifier = new Stringifier();
  const roots = instances.map((i) => stringifier.add(i.props, `Island "${i.island.name}"`));
  const files = [...new Set(instances.map((i) => i.island.file))];
  const imports = files.map((file, n) => {
    const url = manifest.islands[file];
    if (!url) throw new Error(`Island file ${file} has no bundle: run build() after adding islands`);
    return `import*as i${n} from${JSON.stringify(url)};`;
  });
  const components = new Map(
    instances.map(({ island }) => [
      island.name,
      `${JSON.stringify(island.name)}:i${files.indexOf(island.file)}[${JSON.stringify(island.exportName)}]`,
    ]),
  );
  const payload = toScriptLiteral({ roots, values: stringifier.values });
  return `<script type="module">import{boot}from${JSON.stringify(manifest.client)};${imports.join("")}` +
    `boot({${[...components.values()].join(",")}},${payload});</script>`;
}

/** JSON that is safe inside a `<script>`: no `</script>`, `<!--`, or JS-breaking line separators. */
function toScriptLiteral(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}
