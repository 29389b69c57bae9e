/**
 * `/api/docs` in a real Chromium with every non-local request blocked: Swagger UI renders the whole
 * API from local files, and a user can sign in and call an operation from it.
 */
import assert from "node:assert/strict";
import { hashPassword } from "../auth/passwords.ts";
import { insertUser } from "../stores/postgres/repos/users.ts";
import { withApi } from "../api/testing.ts";
import { launchBrowser, screenshot } from "./_browser.ts";

Deno.test("/api/docs renders offline in Chromium and can sign in and call the API", async () => {
  await withApi("embedded", async (api) => {
    await insertUser(api.services.sql, {
      username: "docs-user",
      passwordHash: await hashPassword("docs password"),
      role: "viewer",
    });
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, api.handler);
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext();
      const outside: string[] = [];
      await context.route("**/*", (route) => {
        const host = new URL(route.request().url()).hostname;
        if (host === "127.0.0.1" || host === "localhost") return route.continue();
        outside.push(route.request().url());
        return route.abort();
      });
      context.setDefaultTimeout(10_000);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`http://127.0.0.1:${server.addr.port}/api/docs`);
      await page.waitForSelector(".swagger-ui .info .title", { timeout: 20_000 });
      assert.match(await page.textContent(".swagger-ui .info .title") ?? "", /GridPulse API/);
      const operations = await page.locator(".opblock").count();
      assert.ok(operations >= 100, `${operations} operations shown`);

      const token = page.locator("#operations-Auth-postAuthToken");
      await token.locator(".opblock-summary").click();
      // tryItOutEnabled: the request forms are editable without pressing "Try it out"
      await token.locator("textarea.body-param__text").fill(
        JSON.stringify({ username: "docs-user", password: "docs password" }),
      );
      await token.locator(".execute").click();
      await token.locator(".live-responses-table tbody .response-col_status").first().waitFor();
      assert.equal(
        (await token.locator(".live-responses-table tbody .response-col_status").first().textContent())
          ?.trim(),
        "200",
      );

      // the sign-in set the cookies: calls made from the page are now authenticated
      const me = page.locator("#operations-Auth-getAuthMe");
      await me.locator(".opblock-summary").click();
      await me.locator(".execute").click();
      await me.locator(".live-responses-table tbody .response-col_status").first().waitFor();
      assert.equal(
        (await me.locator(".live-responses-table tbody .response-col_status").first().textContent())?.trim(),
        "200",
      );
      assert.match(
        await me.locator(".live-responses-table .microlight").first().textContent() ?? "",
        /docs-user/,
      );

      await screenshot(page, "api-docs");
      assert.deepEqual(outside, [], "the page asked for nothing outside this server");
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await server.shutdown();
    }
  });
});
