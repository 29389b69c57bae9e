import assert from "node:assert/strict";
import { silentLogger } from "../../../core/log.ts";
import type { DeadLetter } from "../../../actors/protocol.ts";
import { sinkBatch, SINKS } from "../../../actors/testing.ts";
import { Writer } from "../../../actors/writer.ts";
import { pgBackends } from "../../../stores/postgres/testing.ts";
import { withApi } from "../../../api/testing.ts";

interface EventPage {
  items: {
    id: string;
    timestamp: string;
    event: string;
    kind: string | null;
    entityId: string | null;
    topic: string | null;
    reason: string | null;
    payload: unknown;
    shard: number | null;
    expiresAt: string | null;
  }[];
  total: number;
  page: number;
  pageSize: number;
}

const MIN = 60_000;

function letter(overrides: Partial<DeadLetter> & { receivedAt: number }): DeadLetter {
  const id = overrides.id ?? crypto.randomUUID();
  return {
    uid: crypto.randomUUID(),
    kind: "plant",
    id,
    topic: `gridpulse/plants/${id}/telemetry`,
    reason: "mw: must be a number",
    payload: '{"ts":"2026-05-01T00:00:00Z","mw":"n/a"}',
    shard: 3,
    ...overrides,
  };
}

for (const backend of pgBackends()) {
  Deno.test(`GET /api/telemetry/events lists what the writer rejected, newest first (${backend})`, async (t) => {
    await withApi(backend, async (api) => {
      const now = Date.now();
      const plant = crypto.randomUUID();
      const ven = crypto.randomUUID();
      const letters = [
        letter({ id: plant, receivedAt: now - 50 * MIN }),
        letter({ id: plant, receivedAt: now - 40 * MIN, reason: "mw: must be finite" }),
        letter({
          kind: "ven",
          id: ven,
          topic: `gridpulse/vens/${ven}/telemetry`,
          reason: "unknown ven id",
          payload: "<script>alert(1)</script>",
          shard: undefined,
          receivedAt: now - 30 * MIN,
        }),
        letter({
          kind: undefined,
          id: undefined,
          topic: "gridpulse/other/x",
          reason: "unknown topic",
          payload: "",
          shard: undefined,
          receivedAt: now - 20 * MIN,
        }),
        letter({ id: plant, receivedAt: now - 8 * 24 * 60 * MIN, reason: "older than the 7-day TTL" }),
      ];
      // the writer's own path: a worker batch with dead letters, committed, then stored as documents
      const writer = new Writer({
        sql: api.services.sql,
        sinks: SINKS,
        log: silentLogger,
        documents: api.documents,
      });
      await writer.submit(sinkBatch({}, {
        rejected: letters,
        counts: {
          plant: { accepted: 0, rejected: 3 },
          ven: { accepted: 0, rejected: 1 },
          unknown: { accepted: 0, rejected: 1 },
        },
        messages: letters.length,
      }));
      const list = (query = "", as: "viewer" | "operator" = "viewer") =>
        api.json<EventPage>("GET", `/api/telemetry/events${query}`, { as });

      await t.step("a viewer reads what is kept (7 days), newest first, each with its reason", async () => {
        const page = await list();
        assert.equal(page.total, 4);
        assert.deepEqual(page.items.map((e) => e.reason), [
          "unknown topic",
          "unknown ven id",
          "mw: must be finite",
          "mw: must be a number",
        ]);
        const first = page.items.at(-1)!;
        assert.deepEqual({ ...first, id: undefined }, {
          id: undefined,
          timestamp: new Date(letters[0].receivedAt).toISOString(),
          event: "rejected",
          kind: "plant",
          entityId: plant,
          topic: `gridpulse/plants/${plant}/telemetry`,
          reason: "mw: must be a number",
          payload: '{"ts":"2026-05-01T00:00:00Z","mw":"n/a"}',
          shard: 3,
          expiresAt: new Date(letters[0].receivedAt + 7 * 24 * 60 * MIN).toISOString(),
        });
        assert.equal(first.id, letters[0].uid);
        const unroutable = page.items[0];
        assert.deepEqual([unroutable.kind, unroutable.entityId, unroutable.shard], [null, null, null]);
      });
      await t.step("filters: kind, id, reason, reason_prefix, topic, event, time range", async () => {
        const reasons = async (query: string) => (await list(query)).items.map((e) => e.reason);
        assert.deepEqual(await reasons("?kind=ven"), ["unknown ven id"]);
        assert.deepEqual(await reasons(`?id=${plant}`), ["mw: must be finite", "mw: must be a number"]);
        assert.deepEqual(await reasons("?reason=mw%3A%20must%20be%20finite"), ["mw: must be finite"]);
        assert.deepEqual(await reasons(`?reason_prefix=mw%3A&kind=plant&id=${plant}`), [
          "mw: must be finite",
          "mw: must be a number",
        ]);
        assert.deepEqual(await reasons("?reason_prefix=MW"), [], "case-sensitive");
        assert.deepEqual(await reasons(`?topic=${encodeURIComponent(`gridpulse/vens/${ven}/telemetry`)}`), [
          "unknown ven id",
        ]);
        assert.equal((await list("?event=rejected")).total, 4);
        assert.equal((await list("?event=gap")).total, 0);
        const start = new Date(now - 45 * MIN).toISOString();
        const end = new Date(now - 25 * MIN).toISOString();
        assert.deepEqual(await reasons(`?start_time=${start}&end_time=${end}`), [
          "unknown ven id",
          "mw: must be finite",
        ]);
        const older = new Date(now - 9 * 24 * 60 * MIN).toISOString();
        assert.deepEqual(await reasons(`?start_time=${older}&reason_prefix=older`), [], "expired: gone");
      });
      await t.step("paged like every list", async () => {
        const page = await list("?page=2&page_size=3");
        assert.deepEqual([page.page, page.pageSize, page.total, page.items.length], [2, 3, 4, 1]);
        assert.equal(page.items[0].reason, "mw: must be a number");
      });
      await t.step("no token: 401", async () => {
        await api.problem("GET", "/api/telemetry/events", 401);
        await api.problem("GET", "/api/telemetry/events", 401, { token: "not-a-token" });
      });
      await t.step("bad input: 400 problems naming the parameter", async () => {
        const field = async (query: string) =>
          (await api.problem("GET", `/api/telemetry/events${query}`, 400, { as: "viewer" })).errors?.map((
            e,
          ) => e.field);
        assert.deepEqual(await field("?kind=meter"), ["kind"]);
        assert.deepEqual(await field("?page_size=501"), ["page_size"]);
        assert.deepEqual(await field("?page=0"), ["page"]);
        assert.deepEqual(await field("?start_time=yesterday"), ["start_time"]);
        assert.deepEqual(
          await field("?start_time=2026-05-02T00:00:00Z&end_time=2026-05-01T00:00:00Z"),
          ["end_time"],
          "end before start",
        );
        assert.deepEqual(
          await field("?start_time=2026-01-01T00:00:00Z&end_time=2026-03-01T00:00:00Z"),
          ["start_time"],
          "more than 31 days",
        );
        assert.deepEqual(await field("?reason_prefix="), ["reason_prefix"]);
        assert.deepEqual(await field("?entity_kind=plant"), ["entity_kind"], "unknown parameters are errors");
      });
    });
  });
}
