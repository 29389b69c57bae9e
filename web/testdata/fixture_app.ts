/**
 * The fixture app the router and error tests drive: web/testdata/routes with a
 * recording app-level middleware and the fixture `mapError`.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { App } from "../app.ts";
import { mapError, mark, type State } from "./state.ts";

export const FIXTURE_ROUTES: string = fileURLToPath(new URL("./routes", import.meta.url));
export const FIXTURE_ISLANDS: string = fileURLToPath(new URL("./islands", import.meta.url));

/** Build the fixture app and return a `fetch`-like function for paths on it. */
export async function fixtureApp(): Promise<(path: string, init?: RequestInit) => Promise<Response>> {
  const app = new App<State>({ mapError, config: { islandsDir: FIXTURE_ISLANDS } });
  app.use(mark("app"));
  await app.fsRoutes(FIXTURE_ROUTES);
  const handler = app.handler();
  return (path, init) => handler(new Request(`http://localhost${path}`, init));
}

/** Run `fn` with `console.error` captured; returns what was logged. */
export async function captureStderr(fn: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  try {
    await fn();
  } finally {
    console.error = original;
  }
  return lines;
}
