/**
 * GridPulse's web app, assembled once for `main.ts`, the API test harness and the API benchmark, so
 * what a test or a benchmark talks to is what users get: errors mapped in one place (`mapError`), one
 * spelling of every path (seed 003 writes API paths with a final slash: redirected), the services on
 * every request's state, and the `routes/` tree.
 * @module
 */
import { App, staticFiles, trailingSlashes } from "fresh";
import { mapError } from "../api/errors.ts";
import type { Services, State } from "./services.ts";

/** Options for {@linkcode webApp}. */
export interface WebAppOptions {
  /** Serve `static/` (the running app); the API harness and benchmark leave it out. @default {false} */
  staticFiles?: boolean;
}

/** The app over `services`, its file-system routes read. */
export async function webApp(services: Services, options: WebAppOptions = {}): Promise<App<State>> {
  const app = new App<State>({ mapError });
  app.use(trailingSlashes("never"));
  if (options.staticFiles) app.use(staticFiles());
  app.use((ctx) => {
    ctx.state.services = services;
    return ctx.next();
  });
  await app.fsRoutes();
  return app;
}
