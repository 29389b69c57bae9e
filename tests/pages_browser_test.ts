/**
 * Every page in Chromium against a seeded GridPulse: it loads with no console error and nothing fetched
 * from outside this server, has a title, a heading and the navigation, fits a phone's width (wide tables
 * scroll inside their box), and is photographed at 1280 and 375 px. Each page is loaded in a fresh
 * context (cold cache) to record the JavaScript it ships and its load time in
 * test-artifacts/page-metrics.md. Also: signing in and out through the pages, and a viewer sees no
 * write control anywhere.
 */
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import type { Browser, BrowserContext } from "playwright-core";
import { launchBrowser, screenshot } from "./_browser.ts";
import {
  blockOutside,
  PASSWORD,
  screenshots,
  signIn,
  startTestApp,
  type TestApp,
  USERNAMES,
  watchErrors,
} from "./_app.ts";

interface Metric {
  path: string;
  scripts: number;
  rawBytes: number;
  gzipBytes: number;
  loadMs: number;
}

async function gzipSize(bytes: Uint8Array): Promise<number> {
  const stream = new Blob([new Uint8Array(bytes)]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

/** One of each kind of page, with ids from the seeded data. */
async function pagesOf(app: TestApp): Promise<[name: string, path: string][]> {
  const { sql } = app.services;
  const [plant] = await sql`select id from plants where name = 'Alpine Hydro'`;
  const [offer] = await sql`select id from flexibility_offers order by created_at limit 1`;
  const [ven] = await sql`select v.id, l.load_id from vens v join ven_loads l on l.ven_id = v.id limit 1`;
  const [event] = await sql`select id from adr_events order by start_at limit 1`;
  const [site] = await sql`select id from sites order by name limit 1`;
  return [
    ["dashboard", "/"],
    ["dashboard-1h", "/?window=1h"],
    ["plants", "/plants"],
    ["plant", `/plants/${plant.id}`],
    ["plant-new", "/plants/new"],
    ["offers", "/offers"],
    ["offer", `/offers/${offer.id}`],
    ["offer-new", "/offers/new"],
    ["operations", "/operations"],
    ["alerts", "/alerts"],
    ["alert-rules", "/alert-rules"],
    ["alert-rule-new", "/alert-rules/new"],
    ["audit", "/audit"],
    ["ingestion", "/ingestion"],
    ["vens", "/vens"],
    ["ven", `/vens/${ven.id}?load=${ven.load_id}`],
    ["ven-new", "/vens/new"],
    ["adr-event", `/vens/events/${event.id}`],
    ["adr-event-new", "/vens/events/new"],
    ["sites", "/sites"],
    ["site", `/sites/${site.id}`],
    ["architecture", "/architecture"],
  ];
}

/** Loads `path` in a fresh context signed in as admin; checks it and returns what it cost. */
async function visit(
  browser: Browser,
  app: TestApp,
  state: Awaited<ReturnType<BrowserContext["storageState"]>>,
  [name, path]: [string, string],
) {
  const context = await browser.newContext({ storageState: state, viewport: { width: 1280, height: 900 } });
  try {
    const outside = await blockOutside(context);
    const page = await context.newPage();
    const errors = watchErrors(page);
    const sizes: Promise<[number, number]>[] = [];
    page.on("response", (res) => {
      if (res.request().resourceType() !== "script") return;
      sizes.push(res.body().then(async (body) => [body.length, await gzipSize(body)]));
    });
    const res = await page.goto(app.url + path, { waitUntil: "load" });
    assert.equal(res?.status(), 200, path);
    const loadMs = await page.evaluate(() => {
      const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
      return Math.round(nav.loadEventEnd - nav.startTime);
    });
    assert.match(await page.title(), / · GridPulse$/, path);
    assert.equal(await page.locator("h1").count(), 1, `${path} has one heading`);
    assert.equal(await page.locator('nav[aria-label="Main"] a').count(), 11, path);
    // at a desktop's width every page's link is in sight (the row wraps; only phones scroll it)
    const hidden = await page.$$eval('nav[aria-label="Main"] a', (links) => {
      const box = document.querySelector('nav[aria-label="Main"]')!.getBoundingClientRect();
      return links.filter((a) => a.getBoundingClientRect().right > box.right + 1).map((a) => a.textContent);
    });
    assert.deepEqual(hidden, [], `${path}: navigation links out of sight at 1280 px`);
    await page.waitForTimeout(200); // islands hydrate and open their feeds
    await screenshot(page, `${name}-1280`);
    await page.setViewportSize({ width: 375, height: 812 });
    await page.waitForTimeout(250); // charts follow the new width on their next frame
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - globalThis.innerWidth);
    assert.ok(overflow <= 0, `${path} is ${overflow} px wider than a phone`);
    await screenshot(page, `${name}-375`);
    assert.deepEqual(outside, [], `${path} asked for nothing outside this server`);
    assert.deepEqual(errors, [], `${path} logged no error`);
    const [rawBytes, gzipBytes] = (await Promise.all(sizes)).reduce(([r, g], [a, b]) => [r + a, g + b], [
      0,
      0,
    ]);
    return { path, scripts: sizes.length, rawBytes, gzipBytes, loadMs };
  } finally {
    await context.close();
  }
}

async function writeMetrics(metrics: Metric[]): Promise<void> {
  const kb = (n: number) => (n / 1024).toFixed(1);
  const lines = [
    "| page | scripts | JS raw (KB) | JS gzip (KB) | load (ms) |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...metrics.map((m) =>
      `| \`${m.path.replace(/[0-9a-f-]{36}/g, ":id")}\` | ${m.scripts} | ${kb(m.rawBytes)} | ${
        kb(m.gzipBytes)
      } | ${m.loadMs} |`
    ),
  ];
  await mkdir(new URL("../test-artifacts/", import.meta.url), { recursive: true });
  await writeFile(new URL("../test-artifacts/page-metrics.md", import.meta.url), lines.join("\n") + "\n");
}

Deno.test("pages in Chromium: every page loads clean, fits a phone, and says what it costs", async () => {
  const app = await startTestApp();
  const browser = await launchBrowser();
  try {
    const admin = await browser.newContext();
    await signIn(admin, app, "admin");
    const state = await admin.storageState();
    await admin.close();
    const metrics: Metric[] = [];
    for (const page of await pagesOf(app)) metrics.push(await visit(browser, app, state, page));
    await writeMetrics(metrics);
    const plain = metrics.find((m) => m.path === "/plants")!;
    assert.equal(plain.scripts, 0, "a page without islands ships no JavaScript");
  } finally {
    await browser.close();
    await app.stop();
  }
});

Deno.test("pages in Chromium: sign in and out through the pages; a viewer sees no write control", async (t) => {
  const app = await startTestApp();
  const browser = await launchBrowser();
  try {
    await t.step("an anonymous visit lands on the sign-in page, and signing in returns to it", async () => {
      const context = await browser.newContext();
      context.setDefaultTimeout(10_000);
      const page = await context.newPage();
      const errors = watchErrors(page);
      await page.goto(`${app.url}/plants?status=online`);
      assert.equal(new URL(page.url()).pathname, "/login");
      assert.equal(new URL(page.url()).searchParams.get("next"), "/plants?status=online");
      await screenshots(page, "login");
      await page.fill('input[name="username"]', USERNAMES.operator);
      await page.fill('input[name="password"]', "not the password");
      await page.click('button[type="submit"]');
      assert.equal(await page.locator(".form-error").textContent(), "Wrong username or password");
      await page.fill('input[name="password"]', PASSWORD);
      await page.click('button[type="submit"]');
      await page.waitForURL(`${app.url}/plants?status=online`);
      assert.match(await page.locator(".session-user").textContent() ?? "", /olga/);
      const cookies = await context.cookies();
      const access = cookies.find((c) => c.name === "gp_access")!;
      assert.ok(access.httpOnly && access.sameSite === "Lax");
      assert.equal(cookies.find((c) => c.name === "gp_refresh")?.path, "/api/auth");
      await page.click("text=Sign out");
      await page.waitForURL(`${app.url}/login`);
      await page.goto(`${app.url}/`);
      assert.equal(new URL(page.url()).pathname, "/login", "signed out: the session is gone");
      assert.deepEqual(errors, []);
      await context.close();
    });

    await t.step("an expired access cookie is renewed from the refresh cookie on the next page", async () => {
      const context = await browser.newContext();
      await signIn(context, app, "viewer");
      await context.clearCookies({ name: "gp_access" });
      const page = await context.newPage();
      await page.goto(`${app.url}/alerts?state=open`);
      assert.equal(page.url(), `${app.url}/alerts?state=open`);
      assert.ok((await context.cookies()).some((c) => c.name === "gp_access"));
      await context.close();
    });

    await t.step("a viewer sees no create, edit, delete, acknowledge or record control", async () => {
      const { sql } = app.services;
      const [plant] = await sql`select id from plants limit 1`;
      const [ven] = await sql`select id from vens limit 1`;
      const [offer] = await sql`select id from flexibility_offers limit 1`;
      const context = await browser.newContext();
      await signIn(context, app, "viewer");
      const page = await context.newPage();
      const controls = '.resource-form, .confirm-box, .alert-actions, a[href$="/new"], a:has-text("Edit")';
      for (
        const path of [
          "/",
          "/plants",
          `/plants/${plant.id}`,
          "/offers",
          "/alerts",
          "/alert-rules",
          "/operations",
          "/vens",
          `/vens/${ven.id}`,
        ]
      ) {
        await page.goto(app.url + path);
        assert.equal(await page.locator(controls).count(), 0, `${path} shows a write control to a viewer`);
      }
      await page.goto(`${app.url}/alerts?state=open`);
      assert.ok(await page.locator("[data-alert]").count() > 0, "the viewer does see the alerts");
      assert.equal(await page.locator("script[type=module]").count(), 0, "and no JavaScript ships for them");
      const forbidden = await page.goto(`${app.url}/offers/${offer.id}`);
      assert.equal(forbidden?.status(), 403);
      await page.goto(`${app.url}/audit`);
      assert.match(
        await page.locator(".empty-title").textContent() ?? "",
        /for operators and administrators/,
      );
      await context.close();
    });
  } finally {
    await browser.close();
    await app.stop();
  }
});
