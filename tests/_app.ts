/**
 * Test helper: GridPulse started the way main.ts starts it (embedded stores in a temp data dir, port 0,
 * no simulator), seeded with the demo data at a known `now`, with one user per role. Browser tests sign
 * in through the real auth API and share one app per file.
 * @module
 */
import type { BrowserContext, Page } from "playwright-core";
import { hashPassword } from "../auth/passwords.ts";
import { startGridPulse } from "../core/boot.ts";
import { loadConfig } from "../core/config.ts";
import { silentLogger } from "../core/log.ts";
import type { Services } from "../core/services.ts";
import type { Role } from "../domain/user.ts";
import { populate } from "../population/run_all.ts";
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
  /** The end of the seeded day (epoch ms). */
  now: number;
  stop(): Promise<void>;
}

/** Starts GridPulse on embedded stores; seeds the demo data unless `seed` is false. */
export async function startTestApp(options: { seed?: boolean } = {}): Promise<TestApp> {
  const dataDir = await Deno.makeTempDir({ prefix: "gridpulse-pages-" });
  await prepareEmbeddedDataDir(dataDir);
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    SIMULATE: "off",
    ADMIN_PASSWORD: PASSWORD,
  });
  const running = await startGridPulse(config, { seed: false, print: () => {}, log: silentLogger });
  const { services } = running;
  const now = Date.now();
  try {
    if (options.seed !== false) await populate({ sql: services.sql, documents: services.documents, now });
    const passwordHash = await hashPassword(PASSWORD);
    for (const role of ["operator", "viewer"] as const) {
      await insertUser(services.sql, { username: USERNAMES[role], passwordHash, role });
    }
  } catch (error) {
    await running.stop();
    throw error;
  }
  return {
    url: running.url,
    services,
    now,
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
