import assert from "node:assert/strict";
import type { VenLiveState } from "../../../domain/live.ts";
import { keys } from "../../../stores/cache/cache.ts";
import { pgBackends } from "../../../stores/postgres/testing.ts";
import { withApi } from "../../../api/testing.ts";

const BASE = Date.parse("2026-05-01T00:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();

function live(overrides: Partial<VenLiveState> = {}): VenLiveState {
  return {
    status: "online",
    usedPowerKw: 40,
    shedPowerKw: 5,
    loads: [
      { loadId: "hvac-1", type: "hvac", usedKw: 30, shedCapableKw: 10, capacityKw: 50 },
      { loadId: "ev-1", type: "ev_charger", usedKw: 10, shedCapableKw: 10 },
    ],
    lastSeen: "2026-05-01T00:00:00.000Z",
    activeEvents: [],
    ...overrides,
  };
}

for (const backend of pgBackends()) {
  Deno.test(`/api/vens and /api/stats (${backend})`, async (t) => {
    await withApi(backend, async (api) => {
      const a = await api.json("POST", "/api/vens", {
        as: "operator",
        status: 201,
        body: { venName: "ven-a", groups: ["north"] },
      });
      const b = await api.json("POST", "/api/vens", {
        as: "operator",
        status: 201,
        body: { venName: "ven-b" },
      });
      const event = crypto.randomUUID();
      await api.cache.set(keys.actor("ven", a.id as string), live({ activeEvents: [event] }));
      await api.cache.set(
        keys.actor("ven", b.id as string),
        live({ status: "offline", usedPowerKw: 0, shedPowerKw: 0, loads: [] }),
      );
      const { sql } = api.services;
      await sql`insert into ven_loads (ven_id, load_id, load_type, name) values (${a.id}, 'hvac-1', 'hvac', 'Roof HVAC'),
        (${a.id}, 'pump-9', 'pump', null)`;
      await sql`insert into ven_telemetry (ven_id, ts, used_power_kw, shed_power_kw, raw)
        select v, ${new Date(BASE)}::timestamptz + make_interval(mins => i), 10 + i, 1, '{}'::jsonb
        from generate_series(0, 59) i, unnest(array[${a.id}, ${b.id}]::uuid[]) v`;
      await sql`insert into ven_load_samples (ven_id, ts, load_id, load_type, used_kw, shed_capable_kw)
        select ${a.id}, ${new Date(BASE)}::timestamptz + make_interval(mins => i), 'hvac-1', 'hvac', i, 10
        from generate_series(0, 29) i`;

      await t.step("VENs come with their live state; the group filter works", async () => {
        const page = await api.json<{ items: { venName: string; live: VenLiveState | null }[] }>(
          "GET",
          "/api/vens?group=north",
          { as: "viewer" },
        );
        assert.deepEqual(page.items.map((v) => [v.venName, v.live?.status]), [["ven-a", "online"]]);
        const one = await api.json("GET", `/api/vens/${b.id}`, { as: "viewer" });
        assert.equal((one.live as VenLiveState).status, "offline");
        assert.deepEqual(api.runtime.calls.filter((c) => c.kind === "ven").map((c) => c.op), [
          "upsert",
          "upsert",
        ]);
      });
      await t.step("a VEN's loads: registered ones and reported ones, with live values", async () => {
        const loads = await api.json<
          { items: { loadId: string; usedKw: number | null; live: boolean; name: string | null }[] }
        >("GET", `/api/vens/${a.id}/loads`, { as: "viewer" });
        assert.deepEqual(loads.items.map((l) => [l.loadId, l.usedKw, l.live, l.name]), [
          ["ev-1", 10, true, null],
          ["hvac-1", 30, true, "Roof HVAC"],
          ["pump-9", null, false, null],
        ]);
        assert.equal(
          (await api.json("GET", `/api/vens/${a.id}/loads/hvac-1`, { as: "viewer" })).capacityKw,
          50,
        );
        await api.problem("GET", `/api/vens/${a.id}/loads/nope`, 404, { as: "viewer" });
        await api.problem("GET", `/api/vens/${a.id}/loads/bad%20id`, 400, { as: "viewer" });
      });
      await t.step("history: raw rows or buckets, bounded", async () => {
        const range = `start_time=${iso(BASE)}&end_time=${iso(BASE + 3_600_000)}`;
        assert.equal(
          (await api.json("GET", `/api/vens/${a.id}/history?${range}`, { as: "viewer" })).total,
          60,
        );
        const buckets = await api.json<
          { items: { usedPowerKw: number; maxUsedPowerKw: number; samples: number }[] }
        >("GET", `/api/vens/${a.id}/history?${range}&interval=30m`, { as: "viewer" });
        assert.deepEqual(buckets.items.map((p) => [p.usedPowerKw, p.maxUsedPowerKw, p.samples]), [[
          24.5,
          39,
          30,
        ], [54.5, 69, 30]]);
        const load = await api.json("GET", `/api/vens/${a.id}/loads/hvac-1/history?${range}&interval=10m`, {
          as: "viewer",
        });
        assert.equal(load.total, 3);
        const p = await api.problem(
          "GET",
          `/api/vens/${a.id}/history?start_time=2026-01-01T00:00:00Z&end_time=2026-03-01T00:00:00Z&interval=6h`,
          400,
          { as: "viewer" },
        );
        assert.match(p.errors![0].message, /at most 31 days/);
        await api.problem("GET", `/api/vens/${crypto.randomUUID()}/history`, 404, { as: "viewer" });
      });
      await t.step("statuses: newest first, paged, within an optional bounded range", async () => {
        await sql`insert into ven_statuses (ven_id, ts, status, source, details) values
          (${a.id}, ${new Date(BASE)}, 'online', 'device', '{"firmware": "2.1"}'),
          (${a.id}, ${new Date(BASE + 600_000)}, 'offline', 'detector', '{"reason": "silent"}'),
          (${a.id}, ${new Date(BASE + 1_200_000)}, 'online', 'device', '{}'),
          (${b.id}, ${new Date(BASE)}, 'offline', 'device', '{}')`;
        type Status = { ts: string; status: string; source: string; details: Record<string, unknown> };
        const all = await api.json<{ items: Status[]; total: number }>("GET", `/api/vens/${a.id}/statuses`, {
          as: "viewer",
        });
        assert.equal(all.total, 3);
        assert.deepEqual(all.items.map((s) => [s.ts, s.status, s.source]), [
          [iso(BASE + 1_200_000), "online", "device"],
          [iso(BASE + 600_000), "offline", "detector"],
          [iso(BASE), "online", "device"],
        ]);
        assert.deepEqual(all.items[1].details, { reason: "silent" });
        const second = await api.json<{ items: Status[]; total: number; page: number }>(
          "GET",
          `/api/vens/${a.id}/statuses?page=2&page_size=2`,
          { as: "viewer" },
        );
        assert.deepEqual([second.total, second.page, second.items.map((s) => s.details)], [3, 2, [{
          firmware: "2.1",
        }]]);
        const within = await api.json<{ items: Status[]; total: number }>(
          "GET",
          `/api/vens/${a.id}/statuses?start_time=${iso(BASE)}&end_time=${iso(BASE + 1_200_000)}`,
          { as: "viewer" },
        );
        assert.deepEqual(within.items.map((s) => s.ts), [iso(BASE + 600_000), iso(BASE)], "end exclusive");
        const before = await api.json("GET", `/api/vens/${a.id}/statuses?end_time=${iso(BASE)}`, {
          as: "viewer",
        });
        assert.equal(before.total, 0, "start_time defaults to a day before end_time");
        const tooLong = await api.problem(
          "GET",
          `/api/vens/${a.id}/statuses?start_time=2026-01-01T00:00:00Z&end_time=2026-03-01T00:00:00Z`,
          400,
          { as: "viewer" },
        );
        assert.match(tooLong.errors![0].message, /at most 31 days/);
        const reversed = await api.problem(
          "GET",
          `/api/vens/${a.id}/statuses?start_time=${iso(BASE)}&end_time=${iso(BASE - 1)}`,
          400,
          { as: "viewer" },
        );
        assert.equal(reversed.errors![0].field, "end_time");
        await api.problem("GET", `/api/vens/${a.id}/statuses?start_time=yesterday`, 400, { as: "viewer" });
        await api.problem("GET", `/api/vens/${a.id}/statuses?page_size=501`, 400, { as: "viewer" });
        await api.problem("GET", `/api/vens/${a.id}/statuses?status=online`, 400, { as: "viewer" });
        await api.problem("GET", `/api/vens/${a.id}/statuses`, 401);
        await api.problem("GET", `/api/vens/${crypto.randomUUID()}/statuses`, 404, { as: "viewer" });
        await api.problem("GET", "/api/vens/not-a-uuid/statuses", 400, { as: "viewer" });
        await api.problem("POST", `/api/vens/${a.id}/statuses`, 405, { as: "operator" });
      });
      await t.step("network history sums the VENs per bucket", async () => {
        const range = `start_time=${iso(BASE)}&end_time=${iso(BASE + 3_600_000)}&interval=30m`;
        const h = await api.json<{ items: { usedPowerKw: number; vens: number }[] }>(
          "GET",
          `/api/stats/network/history?${range}`,
          { as: "viewer" },
        );
        assert.deepEqual(h.items.map((p) => [p.usedPowerKw, p.vens]), [[49, 2], [109, 2]]);
        await api.problem("GET", `/api/stats/network/history?interval=raw`, 400, { as: "viewer" });
      });
      await t.step("network and load stats come from the cache alone", async () => {
        const stats = await api.json("GET", "/api/stats/network", { as: "viewer" });
        assert.deepEqual({ ...stats, ts: undefined }, {
          vens: 2,
          online: 1,
          offline: 1,
          unknown: 0,
          usedPowerKw: 40,
          shedPowerKw: 5,
          shedCapableKw: 20,
          loads: 2,
          activeEvents: 1,
          ts: undefined,
        });
        const loads = await api.json<{ items: { loadType: string; usedKw: number }[] }>(
          "GET",
          "/api/stats/loads",
          { as: "viewer" },
        );
        assert.deepEqual(loads.items.map((l) => [l.loadType, l.usedKw]), [["hvac", 30], ["ev_charger", 10]]);
        // no PostgreSQL: the stats still answer with the database gone
        const sqlBefore = api.services.sql;
        api.services.sql = new Proxy(sqlBefore, {
          apply: () => {
            throw new Error("stats must not query PostgreSQL");
          },
        });
        try {
          await api.cache.delete(keys.api("stats:network"));
          assert.equal((await api.json("GET", "/api/stats/network", { as: "viewer" })).vens, 2);
        } finally {
          api.services.sql = sqlBefore;
        }
        await api.problem("GET", "/api/stats/network?fresh=1", 400, { as: "viewer" });
        await api.problem("GET", "/api/stats/loads", 401);
      });
      await t.step("bad input, update, delete", async () => {
        const p = await api.problem("POST", "/api/vens", 400, {
          as: "operator",
          body: { venName: "has space", groups: "north" },
        });
        assert.deepEqual(p.errors?.map((e) => e.field).sort(), ["groups", "venName"]);
        await api.problem("POST", "/api/vens", 409, { as: "operator", body: { venName: "ven-a" } });
        const changed = await api.json("PATCH", `/api/vens/${b.id}`, {
          as: "operator",
          body: { groups: ["south"] },
        });
        assert.deepEqual(changed.groups, ["south"]);
        await api.json("DELETE", `/api/vens/${b.id}`, { as: "operator", status: 204 });
        assert.deepEqual(api.runtime.calls.at(-1), { op: "remove", kind: "ven", id: b.id });
        await api.problem("DELETE", `/api/vens/${a.id}`, 403, { as: "viewer" });
      });
    });
  });
}
