/**
 * Test helper: GridPulse started the way main.ts starts it (embedded stores in a temp data dir, port 0,
 * no simulator), seeded with the demo data, with one user per role. Browser tests sign
 * in through the real auth API and share one app per file.
 * @module
 */
import type { BrowserContext, Page } from "playwright-core";
import { hashPassword } from "../auth/passwords.ts";
import type { ActorRuntime } from "../actors/create_runtime.ts";
import { startGridPulse } from "../core/boot.ts";
import { loadConfig } from "../core/config.ts";
import { silentLogger } from "../core/log.ts";
import type { Services } from "../core/services.ts";
import type { Role } from "../domain/user.ts";
import { screenshot } from "./_browser.ts";
import { insertUser } from "../stores/postgres/repos/users.ts";
import { prepareEmbeddedDataDir } from "../stores/postgres/testing.ts";

/** Every test user's password. */
export const PASSWORD = "correct horse battery";
/** The test users, by role (`admin` is the first user GridPulse creates itself). */
export const USERNAMES: Record<Role, string> = { admin: "admin", operator: "olga", viewer: "victor" };

/** A running, seeded GridPulse. */
export interface TestApp {
  url: string;
  services: Services;
  stop(): Promise<void>;
}

/** Options of {@linkcode startTestApp}. */
export interface TestAppOptions {
  /** Seed the demo data. @default {true} */
  seed?: boolean;
  /** Run the actor runtime (about 10 s more to start). @default {false} */
  actors?: boolean;
}

/**
 * Starts GridPulse as main.ts does, on embedded stores in a temp dir: the demo data seeded first, then
 * (with `actors`) the actor runtime, so every seeded entity has its actor; no simulator, so the data
 * stays as seeded. Adds the users of {@linkcode USERNAMES}.
 */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = await Deno.makeTempDir({ prefix: "gridpulse-pages-" });
  await prepareEmbeddedDataDir(dataDir);
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    MQTT_EMBEDDED_PORT: "0",
    SIMULATE: "off",
    ADMIN_PASSWORD: PASSWORD,
  });
  const running = await startGridPulse(config, {
    seed: options.seed !== false,
    runtime: options.actors === true,
    print: () => {},
    log: silentLogger,
  });
  try {
    // boot does not wait for the shards to subscribe; telemetry sent before that is refused as unknown
    if (options.actors) await (running.services.runtime as ActorRuntime).ready(60_000);
    const passwordHash = await hashPassword(PASSWORD);
    for (const role of ["operator", "viewer"] as const) {
      await insertUser(running.services.sql, { username: USERNAMES[role], passwordHash, role });
    }
  } catch (error) {
    await running.stop();
    throw error;
  }
  return {
    url: running.url,
    services: running.services,
    async stop() {
      await running.stop();
      await Deno.remove(dataDir, { recursive: true });
    },
  };
}

/** Signs `context` in as the user of `role` (the auth API sets the cookies the pages read). */
export async function signIn(context: BrowserContext, app: TestApp, role: Role): Promise<void> {
  const res = await context.request.post(`${app.url}/api/auth/token`, {
    data: { username: USERNAMES[role], password: PASSWORD },
  });
  if (!res.ok()) throw new Error(`sign-in as ${role} failed: ${res.status()} ${await res.text()}`);
}

/** Aborts every request that leaves this machine and records it: the pages must need no CDN. */
export async function blockOutside(context: BrowserContext): Promise<string[]> {
  const outside: string[] = [];
  await context.route("**/*", (route) => {
    const host = new URL(route.request().url()).hostname;
    if (host === "127.0.0.1" || host === "localhost") return route.continue();
    outside.push(route.request().url());
    return route.abort();
  });
  return outside;
}

/** Collects console errors and uncaught exceptions of `page`. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(`${page.url()}: ${msg.text()} (${msg.location().url})`);
  });
  page.on("pageerror", (err) => errors.push(`${page.url()}: ${err.message}`));
  return errors;
}

/** Screenshots `page` at 1280 px and at a phone's 375 px as `<name>-1280.png` and `<name>-375.png`. */
export async function screenshots(page: Page, name: string): Promise<void> {
  const size = page.viewportSize() ?? { width: 1280, height: 900 };
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.waitForTimeout(250); // charts redraw on resize
  await screenshot(page, `${name}-1280`);
  await page.setViewportSize({ width: 375, height: 812 });
  await page.waitForTimeout(250);
  await screenshot(page, `${name}-375`);
  await page.setViewportSize(size);
}
