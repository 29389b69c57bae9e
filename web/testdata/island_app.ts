/**
 * The fixture islands app: web/testdata/island_routes rendering web/testdata/islands,
 * bundled into a temporary static folder.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { App } from "../app.ts";
import { build } from "../build/builder.ts";
import type { BuildManifest } from "../build/manifest.ts";
import type { FreshConfig } from "../config.ts";
import { staticFiles } from "../static_files.ts";
import { FIXTURE_ISLANDS } from "./fixture_app.ts";

export const ISLAND_ROUTES: string = fileURLToPath(new URL("./island_routes", import.meta.url));

/** A built fixture islands app; `dispose()` removes its temporary folder. */
export interface IslandApp {
  app: App;
  manifest: BuildManifest;
  get(path: string, init?: RequestInit): Promise<Response>;
  dispose(): Promise<void>;
  /** For `unload` listeners, which cannot wait. */
  disposeSync(): void;
}

/** Build the fixture islands into a temp folder and load the fixture routes. */
export async function islandApp(): Promise<IslandApp> {
  const staticDir = await Deno.makeTempDir({ prefix: "fresh-islands-" });
  const config: FreshConfig = { islandsDir: FIXTURE_ISLANDS, staticDir, outDir: join(staticDir, "_islands") };
  const manifest = await build(config);
  const app = new App({ config });
  app.use(staticFiles({ dir: staticDir, immutablePrefix: "/_islands/" }));
  await app.fsRoutes(ISLAND_ROUTES);
  const handler = app.handler();
  return {
    app,
    manifest,
    get: (path, init) => handler(new Request(`http://localhost${path}`, init)),
    dispose: () => Deno.remove(staticDir, { recursive: true }),
    disposeSync: () => Deno.removeSync(staticDir, { recursive: true }),
  };
}
