/**
 * Settings of the web layer (see web/README.md). Paths are relative to this folder.
 *
 * @module
 */
import type { FreshConfig } from "fresh";

export default {
  routesDir: "routes",
  islandsDir: "islands",
  staticDir: "static",
  outDir: "static/_islands",
} satisfies FreshConfig;
