import assert from "node:assert/strict";
import { pgBackends } from "../../../stores/postgres/testing.ts";
import { withApi } from "../../../api/testing.ts";

for (const backend of pgBackends()) {
  Deno.test(`/api/users (${backend})`, async (t) => {
    await withApi(backend, async (api) => {
      let id = "";
      await t.step("an admin creates, lists, changes and deletes users; hashes never leave", async () => {
        const created = await api.json("POST", "/api/users", {
          as: "admin",
          status: 201,
          body: { username: "grace", password: "a long password", role: "viewer" },
        });
        id = created.id as string;
        assert.equal(created.passwordHash, undefined);
        const page = await api.json<{ items: { username: string }[]; total: number }>("GET", "/api/users", {
          as: "admin",
        });
        assert.equal(page.total, 4);
        const login = await api.request("POST", "/api/auth/token", {
          body: { username: "grace", password: "a long password" },
        });
        assert.equal(login.status, 200);
        const { accessToken } = await login.json();
        assert.equal((await api.request("GET", "/api/auth/me", { token: accessToken })).status, 200);
        const changed = await api.json("PATCH", `/api/users/${id}`, {
          as: "admin",
          body: { role: "operator", active: false },
        });
        assert.deepEqual([changed.role, changed.active], ["operator", false]);
        // deactivated (and with another role): the access token from before is refused at once
        await api.problem("GET", "/api/auth/me", 401, { token: accessToken });
        const refused = await api.request("POST", "/api/auth/token", {
          body: { username: "grace", password: "a long password" },
        });
        assert.equal(refused.status, 401, "an inactive user cannot sign in");
        await refused.body?.cancel();
        assert.equal((await api.json("GET", `/api/users/${id}`, { as: "admin" })).username, "grace");
        await api.json("DELETE", `/api/users/${id}`, { as: "admin", status: 204 });
        await api.problem("GET", `/api/users/${id}`, 404, { as: "admin" });
        const audit = await api.audit("user");
        assert.deepEqual(audit.map((d) => d.action).sort(), ["create", "delete", "update"]);
        assert.ok(!JSON.stringify(audit).includes("$2"), "no bcrypt hash in the audit log");
      });
      await t.step("the last active admin cannot be demoted, deactivated or deleted", async () => {
        const admin = api.users.admin.id;
        await api.problem("PATCH", `/api/users/${admin}`, 409, { as: "admin", body: { role: "viewer" } });
        await api.problem("DELETE", `/api/users/${admin}`, 409, { as: "admin" });
      });
      await t.step("bad input: short password, taken name, unknown role", async () => {
        const p = await api.problem("POST", "/api/users", 400, {
          as: "admin",
          body: { username: "x", password: "short", role: "root" },
        });
        assert.deepEqual(p.errors?.map((e) => e.field).sort(), ["password", "role", "username"]);
        await api.problem("POST", "/api/users", 409, {
          as: "admin",
          body: { username: "test-viewer", password: "long enough", role: "viewer" },
        });
      });
      await t.step("only admins manage users", async () => {
        await api.problem("GET", "/api/users", 403, { as: "operator" });
        await api.problem("GET", "/api/users", 401);
      });
    });
  });
}
