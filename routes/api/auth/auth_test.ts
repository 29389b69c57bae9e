import assert from "node:assert/strict";
import { hashPassword } from "../../../auth/passwords.ts";
import { issueTokens } from "../../../auth/tokens.ts";
import { insertUser } from "../../../stores/postgres/repos/users.ts";
import { pgBackends } from "../../../stores/postgres/testing.ts";
import { withApi } from "../../../api/testing.ts";

const cookiesOf = (res: Response) =>
  Object.fromEntries(res.headers.getSetCookie().map((c) => c.split(";")[0].split("=")));

for (const backend of pgBackends()) {
  Deno.test(`/api/auth (${backend})`, async (t) => {
    await withApi(backend, async (api) => {
      const ada = await insertUser(api.services.sql, {
        username: "ada",
        passwordHash: await hashPassword("correct horse"),
        role: "operator",
      });
      const login = (password: string, headers?: HeadersInit) =>
        api.request("POST", "/api/auth/token", { body: { username: "ada", password }, headers });

      await t.step("token: a JWT and a refresh token, also as httpOnly SameSite cookies", async () => {
        const res = await login("correct horse");
        assert.equal(res.status, 200);
        const body = await res.json();
        assert.equal(body.tokenType, "Bearer");
        assert.equal(body.expiresIn, 900);
        assert.deepEqual(body.user, { id: ada.id, username: "ada", role: "operator" });
        const cookies = res.headers.getSetCookie();
        assert.ok(
          cookies.some((c) =>
            c.startsWith(`gp_access=${body.accessToken};`) && /HttpOnly; SameSite=Lax/.test(c)
          ),
        );
        assert.ok(cookies.some((c) => c.startsWith("gp_refresh=") && c.includes("Path=/api/auth")));
        assert.deepEqual(await api.json("GET", "/api/auth/me", { token: body.accessToken }), body.user);
        assert.equal(
          (await api.json("GET", "/api/auth/me", { headers: { Cookie: `gp_access=${body.accessToken}` } }))
            .username,
          "ada",
        );
      });
      await t.step("token: wrong password 401; repeated failures 429 with Retry-After", async () => {
        const p = await api.problem("POST", "/api/auth/token", 401, {
          body: { username: "ada", password: "nope" },
        });
        assert.equal(p.detail, "Wrong username or password");
        for (let i = 0; i < 4; i++) await (await login("nope")).body?.cancel();
        const throttled = await login("correct horse");
        assert.equal(throttled.status, 429);
        assert.ok(Number(throttled.headers.get("retry-after")) > 0);
        await throttled.body?.cancel();
        const bad = await api.problem("POST", "/api/auth/token", 400, { body: { username: "ada" } });
        assert.deepEqual(bad.errors, [{ field: "password", message: "is required" }]);
      });
      await t.step(
        "refresh: rotates, from the body or the cookie; a reused token ends every session",
        async () => {
          const bob = await insertUser(api.services.sql, {
            username: "bob",
            passwordHash: await hashPassword("bob password"),
            role: "viewer",
          });
          const first = await (await api.request("POST", "/api/auth/token", {
            body: { username: "bob", password: "bob password" },
          })).json();
          const second = await api.json("POST", "/api/auth/token/refresh", {
            body: { refreshToken: first.refreshToken },
          });
          const viaCookie = await api.request("POST", "/api/auth/token/refresh", {
            headers: { Cookie: `gp_refresh=${second.refreshToken}` },
          });
          assert.equal(viaCookie.status, 200);
          const third = await viaCookie.json();
          assert.equal(cookiesOf(viaCookie).gp_refresh, third.refreshToken);
          const reused = await api.problem("POST", "/api/auth/token/refresh", 401, {
            body: { refreshToken: first.refreshToken },
          });
          assert.match(reused.detail, /already used/);
          await api.problem("POST", "/api/auth/token/refresh", 401, {
            body: { refreshToken: third.refreshToken },
          });
          await api.problem("POST", "/api/auth/token/refresh", 401);
          await api.problem("POST", "/api/auth/token/refresh", 400, { body: { refreshToken: 42 } });
          assert.equal(bob.role, "viewer");
        },
      );
      await t.step(
        "logout: revokes the refresh token, ends its access token and clears the cookies",
        async () => {
          const session = await issueTokens(api.services, { id: ada.id, username: "ada", role: "operator" });
          const kept = await issueTokens(api.services, { id: ada.id, username: "ada", role: "operator" });
          assert.equal(
            (await api.request("GET", "/api/auth/me", { token: session.accessToken })).status,
            200,
          );
          const res = await api.request("POST", "/api/auth/logout", {
            body: { refreshToken: session.refreshToken },
          });
          assert.equal(res.status, 204);
          const ended = await api.problem("GET", "/api/auth/me", 401, { token: session.accessToken });
          assert.match(ended.detail ?? "", /session has ended/);
          assert.equal(
            (await api.request("GET", "/api/auth/me", { token: kept.accessToken })).status,
            200,
            "the user's other session goes on",
          );
          assert.deepEqual(cookiesOf(res), { gp_access: "", gp_refresh: "" });
          await api.problem("POST", "/api/auth/token/refresh", 401, {
            body: { refreshToken: session.refreshToken },
          });
          await api.problem("POST", "/api/auth/logout", 401);
          await api.problem("POST", "/api/auth/logout", 400, { body: { everywhere: true } });
          const other = await issueTokens(api.services, { id: ada.id, username: "ada", role: "operator" });
          const everywhere = await api.request("POST", "/api/auth/logout", { token: other.accessToken });
          assert.equal(everywhere.status, 204, "an access token alone ends every session of its user");
          await api.problem("POST", "/api/auth/token/refresh", 401, {
            body: { refreshToken: other.refreshToken },
          });
          await api.problem("GET", "/api/auth/me", 401, { token: other.accessToken });
          await api.problem("GET", "/api/auth/me", 401, { token: kept.accessToken });
        },
      );
      await t.step("cookie-authenticated writes must come from this origin", async () => {
        const cookie = `gp_access=${api.tokens.operator}`;
        const body = { name: "Cookie plant", assetType: "solar", capacityMw: 1 };
        await api.problem("POST", "/api/plants", 403, {
          body,
          headers: { Cookie: cookie, Origin: "https://evil.example" },
        });
        const ok = await api.request("POST", "/api/plants", {
          body,
          headers: { Cookie: cookie, Origin: "http://localhost" },
        });
        assert.equal(ok.status, 201);
        await ok.body?.cancel();
      });
      await t.step("me: 401 without a token", async () => {
        await api.problem("GET", "/api/auth/me", 401);
        await api.problem("GET", "/api/auth/me", 401, { headers: { Authorization: "Basic abc" } });
      });
    });
  });
}
