/**
 * The write paths in Chromium, as an operator: a plant created through the form (browser validation
 * first, then the server's own field errors) appears in the list and in the audit log, is edited and
 * deleted; an offer shows the server's cross-field errors under their fields; alerts are acknowledged
 * and resolved in place; a dispatch is recorded.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { launchBrowser } from "./_browser.ts";
import { blockOutside, screenshots, signIn, startTestApp, watchErrors } from "./_app.ts";

/** The error shown under field `name`. */
const fieldError = (page: Page, name: string) => page.locator(`#f-${name}-error`).textContent();

/** Waits until the form's islands are live (its submit button is enabled). */
const ready = (page: Page) =>
  page.locator(".resource-form button[type=submit]:not([disabled])").first().waitFor();

Deno.test("forms in Chromium: create, edit and delete through the pages, audited", async (t) => {
  const app = await startTestApp();
  const browser = await launchBrowser();
  const { sql } = app.services;
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(10_000);
    const outside = await blockOutside(context);
    await signIn(context, app, "operator");
    const page = await context.newPage();
    const errors = watchErrors(page);
    const posts: string[] = [];
    page.on(
      "request",
      (r) => r.method() !== "GET" && posts.push(`${r.method()} ${new URL(r.url()).pathname}`),
    );
    let plantId = "";

    await t.step("the plant form checks the API's rules in the browser before sending", async () => {
      await page.goto(`${app.url}/plants/new`);
      await ready(page);
      await page.click("text=Create plant");
      assert.equal(await fieldError(page, "name"), "is required");
      assert.equal(await fieldError(page, "assetType"), "is required");
      assert.equal(await fieldError(page, "capacityMw"), "is required");
      await page.fill("#f-name", "Helios Solar Park");
      await page.selectOption("#f-assetType", "solar");
      await page.fill("#f-capacityMw", "-5");
      await page.fill("#f-latitude", "95");
      await page.click("text=Create plant");
      assert.equal(await fieldError(page, "capacityMw"), "must be greater than 0");
      assert.equal(await fieldError(page, "latitude"), "must be at most 90");
      assert.deepEqual(posts, [], "nothing was sent while the form was invalid");
      await screenshots(page, "plant-form-errors");
    });

    await t.step("the server's field error (a name already taken) shows under its field", async () => {
      await page.fill("#f-capacityMw", "5");
      await page.fill("#f-latitude", "47.5");
      await page.click("text=Create plant");
      await page.locator("#f-name-error").waitFor();
      assert.equal(await fieldError(page, "name"), "is already taken");
      assert.match(await page.locator(".form-error").textContent() ?? "", /Already exists: name is taken/);
      assert.deepEqual(posts, ["POST /api/plants"]);
    });

    await t.step("a plant created through the form is in the list and in the audit log", async () => {
      await page.fill("#f-name", "Pier 4 Solar");
      await page.click("text=Create plant");
      await page.waitForURL(`${app.url}/plants?done=created`);
      assert.equal(await page.locator(".notice-ok").textContent(), "Plant created.");
      await page.locator('[data-plant="Pier 4 Solar"]').waitFor();
      [{ id: plantId }] = await sql`select id from plants where name = 'Pier 4 Solar' and capacity_mw = 5`;
      await page.goto(`${app.url}/audit?entity=plant&action=create`);
      const row = page.locator(`[data-audit="create:plant:${plantId}"]`);
      assert.match(await row.textContent() ?? "", /olga.*Create.*Plant.*Created Pier 4 Solar/);
    });

    await t.step("edited through the form, the change is saved and audited field by field", async () => {
      await page.goto(`${app.url}/plants/${plantId}#edit`);
      await ready(page);
      await page.fill("#f-capacityMw", "7.5");
      await page.click("text=Save changes");
      await page.waitForURL(`${app.url}/plants/${plantId}?done=updated`);
      assert.match(await page.locator(".page-head .muted").textContent() ?? "", /7\.5 MW capacity/);
      await page.goto(`${app.url}/audit?entity=plant&action=update`);
      assert.match(
        await page.locator(`[data-audit="update:plant:${plantId}"]`).textContent() ?? "",
        /capacityMw: 5 → 7\.5/,
      );
    });

    await t.step("deleted after a confirmation, it leaves the list", async () => {
      await page.goto(`${app.url}/plants/${plantId}`);
      await page.locator(".confirm-box button:not([disabled])").click();
      await page.click("text=Yes, delete");
      await page.waitForURL(`${app.url}/plants?done=deleted`);
      assert.equal(await page.locator('[data-plant="Pier 4 Solar"]').count(), 0);
      assert.equal((await sql`select 1 from plants where id = ${plantId}`).length, 0);
    });

    await t.step(
      "an offer shows the server's rules across fields under the fields they concern",
      async () => {
        await page.goto(`${app.url}/offers/new`);
        await ready(page);
        await page.fill("#f-name", "Night valley fill");
        await page.selectOption("#f-market", "intraday");
        await page.selectOption("#f-direction", "down");
        await page.fill("#f-volumeMw", "12");
        await page.fill("#f-priceEurMwh", "-3.5");
        await page.click("text=Create offer");
        await page.locator("#f-plantId-error").waitFor();
        assert.equal(await fieldError(page, "plantId"), "plantId or siteId is required");
        const [plant] = await sql`select id from plants where name = 'Gridstore Battery'`;
        await page.selectOption("#f-plantId", plant.id);
        await page.fill("#f-deliveryEnd", "2020-01-01T00:00");
        await page.click("text=Create offer");
        await page.locator("#f-deliveryEnd-error").waitFor();
        assert.equal(await fieldError(page, "deliveryEnd"), "must be after deliveryStart");
        await page.fill("#f-deliveryEnd", "2099-01-01T00:00");
        await page.click("text=Create offer");
        await page.waitForURL(`${app.url}/offers?done=created`);
        await page.locator('[data-offer="Night valley fill"]').waitFor();
      },
    );

    await t.step("alerts are acknowledged, then resolved, in place", async () => {
      await page.goto(`${app.url}/alerts?state=open`);
      const row = page.locator("[data-alert]").first();
      const id = await row.getAttribute("data-alert");
      await row.locator("button:not([disabled])", { hasText: "Acknowledge" }).click();
      await row.locator('[data-state="acknowledged"]').waitFor();
      await row.locator("button", { hasText: "Resolve" }).click();
      await row.locator('[data-state="resolved"]').waitFor();
      const [alert] = await sql`select state, acknowledged_by, resolved_by from alerts where id = ${id}`;
      assert.deepEqual({ ...alert }, { state: "resolved", acknowledged_by: "olga", resolved_by: "olga" });
    });

    await t.step("a dispatch recorded on the Operations page is in the dispatch log", async () => {
      await page.goto(`${app.url}/operations`);
      await page.click("text=Record a dispatch");
      await ready(page);
      const form = page.locator("details", { hasText: "Record a dispatch" });
      await form.locator("#f-plantName").selectOption("Peaker Unit 1");
      await form.locator("#f-market").selectOption("afrr");
      await form.locator("#f-volumeMw").fill("33");
      await form.locator("button", { hasText: "Record dispatch" }).click();
      await page.waitForURL(/\/operations\?done=created/);
      assert.match(
        await page.locator("#dispatch-log tbody tr").first().textContent() ?? "",
        /Peaker Unit 1.*aFRR.*33\.0 MW/,
      );
    });

    await t.step("a VEN registered through the form gets its page", async () => {
      await page.goto(`${app.url}/vens/new`);
      await ready(page);
      await page.fill("#f-venName", "ven pier 4");
      await page.click('button:has-text("Register VEN")');
      assert.equal(await fieldError(page, "venName"), "has an invalid format");
      await page.fill("#f-venName", "ven-pier-4");
      await page.fill("#f-groups", "campus, pier");
      await page.click('button:has-text("Register VEN")');
      await page.waitForURL(/\/vens\/[0-9a-f-]{36}\?done=created$/);
      assert.match(await page.locator(".page-head").textContent() ?? "", /ven-pier-4.*campus, pier/);
    });

    await t.step(
      "an ADR event created through the form reaches its group's VENs, and is cancelled",
      async () => {
        await page.goto(`${app.url}/vens/events/new`);
        await page.locator(".resource-form button[type=submit]:not([disabled])").waitFor();
        await page.click("text=Create and send event");
        assert.equal(await fieldError(page, "eventName"), "must not be empty");
        assert.equal(await fieldError(page, "targets"), "must name at least one VEN id or group");
        await page.fill("#f-eventName", "Pier heat wave");
        await page.selectOption("#f-kind", "IMPORT_CAPACITY_LIMIT");
        await page.fill("#f-level", "150");
        await page.getByLabel("campus", { exact: true }).check();
        await page.click("text=Create and send event");
        await page.waitForURL(/\/vens\/events\/[0-9a-f-]{36}\?done=created$/);
        const [{ count }] = await sql`
        select count(*)::int from vens where active and 'campus' = any(groups)`;
        assert.equal(await page.locator("tbody tr").count(), count, "one row per VEN of the group");
        assert.match(await page.locator(".facts").textContent() ?? "", /import ≤ 150 kW.*groups campus/);
        await page.locator(".confirm-box button:not([disabled])").click();
        await page.click("text=Yes, cancel it");
        await page.waitForURL(/\?done=cancelled$/);
        assert.equal(await page.locator(".facts .badge").first().textContent(), "Cancelled");
      },
    );

    assert.deepEqual(outside, []);
    // the two server refusals above are logged by Chromium as failed loads; nothing else may be
    assert.deepEqual(errors.filter((e) => !/status of (400|409)/.test(e)), []);
  } finally {
    await browser.close();
    await app.stop();
  }
});
