import assert from "node:assert/strict";
import { islandApp } from "../web/testdata/island_app.ts";
import { launchBrowser } from "./_browser.ts";

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
