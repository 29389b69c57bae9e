import assert from "node:assert/strict";
import { issueTokens } from "../../../auth/tokens.ts";
import { withApi } from "../../../api/testing.ts";

const cookiesOf = (res: Response) =>
  Object.fromEntries(res.headers.getSetCookie().map((c) => c.split(";")[0].split("=")));

Deno.test("/api/auth/resume and logout?next= serve the pages' browser sessions", async (t) => {
  await withApi("embedded", async (api) => {
    const session = () => issueTokens(api.services, api.users.operator);
    const resume = (query: string, refresh?: string) =>
      api.request("GET", `/api/auth/resume${query}`, {
        headers: refresh ? { Cookie: `gp_refresh=${refresh}` } : undefined,
      });

    await t.step("a valid refresh cookie: new cookies and a 303 back to next", async () => {
      const { refreshToken } = await session();
      const res = await resume(`?next=${encodeURIComponent("/plants?page=2")}`, refreshToken);
      assert.equal(res.status, 303);
      assert.equal(res.headers.get("location"), "/plants?page=2");
      const cookies = cookiesOf(res);
      assert.ok(cookies.gp_access.length > 20);
      assert.ok(cookies.gp_refresh && cookies.gp_refresh !== refreshToken, "the refresh token rotated");
      assert.equal(
        (await api.json("GET", "/api/auth/me", { headers: { Cookie: `gp_access=${cookies.gp_access}` } }))
          .username,
        "test-operator",
      );
    });
    await t.step("no or a spent refresh cookie: cookies cleared, 303 to the sign-in page", async () => {
      const anonymous = await resume("?next=%2Foffers");
      assert.equal(anonymous.status, 303);
      assert.equal(anonymous.headers.get("location"), "/login?next=%2Foffers");
      assert.deepEqual(cookiesOf(anonymous), { gp_access: "", gp_refresh: "" });
      const home = await resume("?next=%2F", "not-a-real-refresh-token-at-all");
      assert.equal(home.headers.get("location"), "/login");
    });
    await t.step("without next: 204 with cookies, or 401", async () => {
      const res = await resume("", (await session()).refreshToken);
      assert.equal(res.status, 204);
      assert.ok(cookiesOf(res).gp_access);
      const p = await api.problem("GET", "/api/auth/resume", 401);
      assert.match(p.detail, /sign in/i);
    });
    await t.step("next must be a path on this site", async () => {
      for (const next of ["//evil.example/x", "https://evil.example", "/\\evil.example", "plants"]) {
        const p = await api.problem("GET", `/api/auth/resume?next=${encodeURIComponent(next)}`, 400);
        assert.deepEqual(p.errors?.map((e) => e.field), ["next"], next);
      }
    });
    await t.step(
      "logout?next= revokes the cookie's token and redirects, even without a session",
      async () => {
        const { refreshToken } = await session();
        const res = await api.request("POST", "/api/auth/logout?next=%2Flogin", {
          headers: {
            Cookie: `gp_refresh=${refreshToken}`,
            "Content-Type": "application/x-www-form-urlencoded",
          },
        });
        assert.equal(res.status, 303);
        assert.equal(res.headers.get("location"), "/login");
        assert.deepEqual(cookiesOf(res), { gp_access: "", gp_refresh: "" });
        await api.problem("POST", "/api/auth/token/refresh", 401, { body: { refreshToken } });
        const again = await api.request("POST", "/api/auth/logout?next=%2Flogin");
        assert.equal(again.status, 303);
      },
    );
  });
});
