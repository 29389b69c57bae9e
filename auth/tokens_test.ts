import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";
import { SignJWT } from "jose";
import { loadConfig } from "../core/config.ts";
import { silentLogger } from "../core/log.ts";
import type { Services } from "../core/services.ts";
import { pgBackends, withTestDatabase } from "../stores/postgres/testing.ts";
import { insertUser, updateUser } from "../stores/postgres/repos/users.ts";
import { ensureAdminUser } from "./bootstrap.ts";
import { login, LoginThrottledError } from "./login.ts";
import { hashPassword } from "./passwords.ts";
import {
  ACCESS_TTL_S,
  endAllSessions,
  issueTokens,
  refreshTokens,
  revokeToken,
  signAccessToken,
  signingKey,
  TokenError,
  verifyAccessToken,
} from "./tokens.ts";

function services(sql: Services["sql"], env: Record<string, string> = {}): Services {
  return { config: loadConfig(env), log: silentLogger, sql } as Services;
}

for (const backend of pgBackends()) {
  Deno.test(`auth tokens (${backend})`, async (t) => {
    await withTestDatabase(backend, async ({ sql }) => {
      const s = services(sql);
      const row = await insertUser(sql, {
        username: "ada",
        passwordHash: await hashPassword("s3cret-pass"),
        role: "operator",
      });
      const ada = { id: row.id, username: "ada", role: "operator" as const };

      await t.step("an access token verifies to its user; a forged or foreign one does not", async () => {
        assert.deepEqual(await verifyAccessToken(s, await signAccessToken(s, ada)), ada);
        const forged = await new SignJWT({ name: "ada", role: "admin" }).setProtectedHeader({ alg: "HS256" })
          .setSubject(ada.id).setIssuer("gridpulse").setAudience("gridpulse-api").setExpirationTime("1h")
          .sign(new TextEncoder().encode("x".repeat(48)));
        await assert.rejects(verifyAccessToken(s, forged), TokenError);
        await assert.rejects(verifyAccessToken(s, "not.a.jwt"), TokenError);
      });

      await t.step("an expired access token is refused as expired", async () => {
        const expired = await new SignJWT({ name: "ada", role: "operator" }).setProtectedHeader({
          alg: "HS256",
        })
          .setSubject(ada.id).setIssuer("gridpulse").setAudience("gridpulse-api")
          .setIssuedAt(Math.floor(Date.now() / 1000) - 3600).setExpirationTime(
            Math.floor(Date.now() / 1000) - 60,
          )
          .sign(await signingKey(s));
        await assert.rejects(verifyAccessToken(s, expired), { message: "Access token expired" });
      });

      await t.step("a verified token is taken from the cache until it expires, then refused", async () => {
        const clock = FakeTimers.install({ now: Date.now(), toFake: ["Date"] });
        try {
          const token = await signAccessToken(s, ada);
          assert.deepEqual(await verifyAccessToken(s, token), ada);
          const again = await verifyAccessToken(s, token);
          assert.deepEqual(again, ada);
          (again as { role: string }).role = "admin"; // callers get copies: the cached user cannot be changed through them
          assert.deepEqual(await verifyAccessToken(s, token), ada);
          clock.tick((ACCESS_TTL_S + 1) * 1000);
          await assert.rejects(verifyAccessToken(s, token), { message: "Access token expired" });
        } finally {
          clock.uninstall();
        }
      });

      await t.step("the generated secret is stored once and shared by another instance", async () => {
        const other = services(sql);
        assert.deepEqual(await signingKey(other), await signingKey(s));
        const [{ n }] = await sql`select count(*)::int as n from settings where key = 'auth.jwt_secret'`;
        assert.equal(n, 1);
        const configured = services(sql, { JWT_SECRET: "k".repeat(40) });
        await assert.rejects(verifyAccessToken(configured, await signAccessToken(s, ada)), TokenError);
      });

      await t.step("a refresh token rotates; reusing the old one revokes every session", async () => {
        const first = await issueTokens(s, ada);
        const second = await refreshTokens(s, first.refreshToken);
        assert.notEqual(second.refreshToken, first.refreshToken);
        const third = await refreshTokens(s, second.refreshToken);
        await assert.rejects(refreshTokens(s, first.refreshToken), { message: /already used/ });
        await assert.rejects(refreshTokens(s, third.refreshToken), { message: "Refresh token is revoked" });
        const [{ hashed }] =
          await sql`select bool_and(length(token_hash) = 64) as hashed from refresh_tokens`;
        assert.equal(hashed, true);
      });

      await t.step("logout revokes the refresh token; a changed role ends the session", async () => {
        const a = await issueTokens(s, ada);
        assert.equal(await revokeToken(s, a.refreshToken), ada.id);
        await assert.rejects(refreshTokens(s, a.refreshToken), TokenError);
        const b = await issueTokens(s, ada);
        await updateUser(sql, ada.id, { role: "viewer" });
        await assert.rejects(refreshTokens(s, b.refreshToken), TokenError, "a role change ends sessions");
      });

      await t.step("ending a session refuses its access tokens at once, also after a refresh", async () => {
        await updateUser(sql, ada.id, { role: "operator" }); // the step before made ada a viewer
        const a = await issueTokens(s, ada);
        const b = await issueTokens(s, ada);
        const a2 = await refreshTokens(s, a.refreshToken);
        assert.deepEqual(await verifyAccessToken(s, a.accessToken), ada, "verified, so cached");
        assert.deepEqual(await verifyAccessToken(s, a2.accessToken), ada);
        await revokeToken(s, a2.refreshToken); // logout
        for (const token of [a.accessToken, a2.accessToken]) {
          await assert.rejects(verifyAccessToken(s, token), { message: /session has ended/ });
        }
        assert.deepEqual(await verifyAccessToken(s, b.accessToken), ada, "another session goes on");
        // another process (or this one after a restart) learns it from the database
        const restarted = services(sql);
        await assert.rejects(verifyAccessToken(restarted, a2.accessToken), { message: /session has ended/ });
        assert.deepEqual(await verifyAccessToken(restarted, b.accessToken), ada);

        // signing out with an older refresh token of a session ends the session, its current token too
        const e = await issueTokens(s, ada);
        const e2 = await refreshTokens(s, e.refreshToken);
        await revokeToken(s, e.refreshToken);
        await assert.rejects(refreshTokens(s, e2.refreshToken), TokenError);
        await assert.rejects(verifyAccessToken(s, e2.accessToken), { message: /session has ended/ });

        await endAllSessions(s, ada.id); // "sign out everywhere"
        await assert.rejects(verifyAccessToken(s, b.accessToken), { message: /session has ended/ });
        const c = await issueTokens(s, ada);
        assert.deepEqual(await verifyAccessToken(s, c.accessToken), ada, "a new sign-in is a new session");
        const c2 = await refreshTokens(s, c.refreshToken);
        await assert.rejects(refreshTokens(s, c.refreshToken), { message: /already used/ }); // reuse
        await assert.rejects(verifyAccessToken(s, c2.accessToken), { message: /session has ended/ });
        const d = await issueTokens(s, ada);
        const { endedSessions } = (await updateUser(sql, ada.id, { active: false }))!;
        assert.equal(endedSessions.length, 1);
        // the route that changed the user tells this process; another one reads it within 5 s
        await assert.rejects(verifyAccessToken(services(sql), d.accessToken), {
          message: /session has ended/,
        });
        await updateUser(sql, ada.id, { active: true });
      });

      await t.step(
        "login checks the password and throttles repeated failures per user and address",
        async () => {
          await updateUser(sql, ada.id, { role: "operator" });
          // what the first sign-in of a process prunes: a token expired 40 days ago, a day-old ended session
          const old = crypto.randomUUID();
          await sql`insert into refresh_tokens (user_id, token_hash, expires_at, session_id)
                    values (${ada.id}, 'expired-long-ago', now() - interval '40 days', ${old})`;
          await sql`insert into ended_sessions (session_id, ended_at) values (${old}, now() - interval '2 days')`;
          const tokens = await login(s, { username: "ada", password: "s3cret-pass", address: "a" });
          const [{ left }] = await sql<{ left: number }[]>`
            select (select count(*) from refresh_tokens where token_hash = 'expired-long-ago')::int +
                   (select count(*) from ended_sessions where session_id = ${old})::int as left`;
          assert.equal(left, 0, "pruned at the sign-in");
          assert.equal(tokens.user.role, "operator");
          for (let i = 0; i < 5; i++) {
            await assert.rejects(login(s, { username: "ada", password: "wrong", address: "b" }), TokenError);
          }
          await assert.rejects(
            login(s, { username: "ada", password: "s3cret-pass", address: "b" }),
            LoginThrottledError,
          );
          await login(s, { username: "ada", password: "s3cret-pass", address: "c" });
          await assert.rejects(login(s, { username: "nobody", password: "x", address: "a" }), {
            message: "Wrong username or password",
          });
        },
      );
    });
  });

  Deno.test(`ensureAdminUser() creates admin once, printing a generated password (${backend})`, async () => {
    await withTestDatabase(backend, async ({ sql }) => {
      const printed: string[] = [];
      const s = services(sql);
      const first = await ensureAdminUser(s, { print: (text) => printed.push(text) });
      assert.equal(first.created, true);
      assert.equal(printed.length, 1);
      assert.ok(printed[0].includes(first.generatedPassword!));
      const tokens = await login(s, { username: "admin", password: first.generatedPassword!, address: "x" });
      assert.equal(tokens.user.role, "admin");
      assert.deepEqual(await ensureAdminUser(s, { print: (text) => printed.push(text) }), { created: false });
      assert.equal(printed.length, 1);
    });
  });

  Deno.test(`ensureAdminUser() is not stopped by seeded demo users without an admin (${backend})`, async () => {
    await withTestDatabase(backend, async ({ sql }) => {
      await insertUser(sql, { username: "operator", passwordHash: "-", role: "operator" });
      const first = await ensureAdminUser(services(sql), { print: () => {} });
      assert.equal(first.created, true);
    });
  });
}

Deno.test("ensureAdminUser() uses ADMIN_PASSWORD and prints nothing", async () => {
  await withTestDatabase("embedded", async ({ sql }) => {
    const printed: string[] = [];
    const s = services(sql, { ADMIN_PASSWORD: "configured-pass" });
    assert.deepEqual(await ensureAdminUser(s, { print: (text) => printed.push(text) }), { created: true });
    assert.deepEqual(printed, []);
    await login(s, { username: "admin", password: "configured-pass", address: "x" });
  });
});
