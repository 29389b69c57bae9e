/**
 * Test helper: a headless Debian Chromium driven by playwright-core, and screenshots
 * into test-artifacts/.
 *
 * @module
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";

/** The browser binary Debian's `chromium` package installs. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

const ARTIFACTS = new URL("../test-artifacts/", import.meta.url);

/**
 * Launch headless Chromium with a fresh profile. Close it with `await browser.close()`.
 *
 * @throws {Error} If Chromium is not installed at {@linkcode CHROMIUM_PATH}.
 */
export async function launchBrowser(): Promise<Browser> {
  try {
    await Deno.stat(CHROMIUM_PATH);
  } catch {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}; install it with "apt-get install chromium" to run browser tests`,
    );
  }
  return await chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS });
}

/** Save a full-page PNG as `test-artifacts/<name>.png` and return its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS.pathname, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
