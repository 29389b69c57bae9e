import assert from "node:assert/strict";
import { App, build, staticFiles } from "fresh";
import { islandApp } from "../web/testdata/island_app.ts";
import { launchBrowser, screenshot } from "./_browser.ts";

/** The real app (routes/, islands/, static/) on a random free port. */
async function startApp(): Promise<{ url: string; server: Deno.HttpServer<Deno.NetAddr> }> {
  const app = new App();
  app.use(staticFiles());
  await app.fsRoutes();
  await build();
  const server = app.listen({ port: 0, hostname: "127.0.0.1", onListen() {} });
  return { url: `http://127.0.0.1:${server.addr.port}`, server };
}

Deno.test("LiveClock island hydrates on / and reacts to its button", async () => {
  const { url, server } = await startApp();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems: string[] = [];
    page.on("console", (msg) => msg.type() === "error" && problems.push(msg.text()));
    page.on("pageerror", (err) => problems.push(err.message));

    const res = await page.goto(url + "/");
    assert.equal(res?.status(), 200);
    assert.equal(await page.title(), "Dashboard · GridPulse");
    const button = page.locator(".clock button");
    // The server renders the button disabled; it turns on once the island is live.
    await button.waitFor();
    await page.waitForFunction(() => !document.querySelector<HTMLButtonElement>(".clock button")?.disabled);
    assert.equal(await button.textContent(), "Pause");

    const time = page.locator(".clock-time");
    const first = await time.getAttribute("datetime");
    await page.waitForFunction(
      (before) => document.querySelector(".clock-time")?.getAttribute("datetime") !== before,
      first,
    );

    await button.click();
    assert.equal(await button.textContent(), "Resume");
    assert.equal(await page.locator(".clock .badge").textContent(), "Paused");
    await button.click();
    assert.equal(await button.textContent(), "Pause");

    await screenshot(page, "dashboard-1280");
    await page.setViewportSize({ width: 375, height: 812 });
    await screenshot(page, "dashboard-375");
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await server.shutdown();
  }
});

Deno.test("islands share a signal, keep slot HTML and hydrate islands inside slots", async () => {
  const fixture = await islandApp();
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, fixture.app.handler());
  const url = `http://127.0.0.1:${server.addr.port}`;
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("console", (msg) => msg.type() === "error" && problems.push(msg.text()));
    page.on("pageerror", (err) => problems.push(err.message));
    const hydrated = (label: string) =>
      page.locator(`.counter[data-label="${label}"][data-hydrated="true"]`).waitFor();

    await page.goto(url + "/signals");
    await hydrated("a");
    await hydrated("b");
    await page.getByText("+1 a").click();
    assert.deepEqual(
      await page.locator(".count").allTextContents(),
      ["4", "4"],
      "both islands see one signal",
    );

    await page.goto(url + "/slot");
    await hydrated("in-slot");
    assert.equal(await page.locator(".server-child").innerHTML(), "rendered on the <strong>server</strong>");
    await page.locator(".toggle").click();
    await page.locator(".opened").waitFor();
    await page.getByText("+1 in-slot").click();
    assert.equal(await page.locator(".count").textContent(), "11");
    assert.equal(await page.locator(".server-child").count(), 1, "slot content is hydrated, not duplicated");

    await page.goto(url + "/nested");
    await hydrated("inner");
    await page.getByText("+1 inner").click();
    assert.equal(await page.locator(".count").textContent(), "6");
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await server.shutdown();
    await fixture.dispose();
  }
});
