/**
 * The contract every {@linkcode DocumentStore} passes: `postgres/postgres_documents_test.ts` runs it on
 * the embedded and the real PostgreSQL, `mongo/mongo_documents_test.ts` on MongoDB when `MONGO_URL` is
 * set. The factory gives each test an empty, isolated store.
 * @module
 */
import assert from "node:assert/strict";
import type { DocumentStore, NewDocument } from "./documents.ts";

/** An isolated, empty store for one test, and how to dispose of it. */
export interface DocumentsFixture {
  store: DocumentStore;
  close(): Promise<void>;
}

const T0 = Date.parse("2026-01-26T00:00:00Z");
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

function audit(i: number, extra: Record<string, unknown> = {}): NewDocument {
  return {
    id: `audit-${String(i).padStart(3, "0")}`,
    timestamp: at(i),
    action: i % 2 === 0 ? "offer.update" : "login",
    userId: i % 3 === 0 ? "admin" : "operator",
    entity: "offer",
    details: { n: i, tags: ["a", "b"], nested: { ok: true } },
    ...extra,
  };
}

/** Registers the documents contract tests for one backend. */
export function documentsContract(open: () => Promise<DocumentsFixture>, label: string): void {
  const test = (name: string, fn: (store: DocumentStore) => Promise<void>) =>
    Deno.test(`${name} (${label})`, async () => {
      const fixture = await open();
      try {
        await fixture.store.ensureIndexes();
        await fn(fixture.store);
      } finally {
        await fixture.close();
      }
    });

  test("documents.insert() returns ids, generating missing ones, and find() round-trips fields", async (s) => {
    const ids = await s.insert("audit", [audit(1), { timestamp: at(2), action: "login", userId: "u" }]);
    assert.equal(ids[0], "audit-001");
    assert.match(ids[1], /^[0-9a-f-]{36}$/);
    const [doc] = await s.find("audit", { where: { id: "audit-001" } });
    assert.deepEqual(doc, { ...audit(1), id: "audit-001" });
    assert.ok(doc.timestamp instanceof Date);
    assert.deepEqual(await s.insert("audit", []), []);
  });

  test("documents.insert() is idempotent per id: the first document stays", async (s) => {
    await s.insert("audit", [audit(1)]);
    await s.insert("audit", [audit(1, { action: "changed" }), audit(2)]);
    assert.equal(await s.count("audit"), 2);
    const [doc] = await s.find("audit", { where: { id: "audit-001" } });
    assert.equal(doc.action, "login");
  });

  test("documents.find() sorts newest first by default, oldest first on request, and pages", async (s) => {
    await s.insert("audit", Array.from({ length: 25 }, (_, i) => audit(i)));
    const desc = await s.find("audit", { limit: 10 });
    assert.deepEqual(desc.map((d) => d.id), Array.from({ length: 10 }, (_, i) => audit(24 - i).id));
    const page2 = await s.find("audit", { sort: "asc", limit: 10, offset: 10 });
    assert.deepEqual(page2.map((d) => d.id), Array.from({ length: 10 }, (_, i) => audit(10 + i).id));
    assert.equal((await s.find("audit")).length, 25);
    assert.equal((await s.find("audit", { offset: 30 })).length, 0);
  });

  test("documents.find() filters by equality on strings, numbers, booleans and null", async (s) => {
    await s.insert("dispatch_log", [
      { id: "d1", timestamp: at(1), plantName: "Solar A", market: "intraday", volumeMw: 5, firm: true },
      { id: "d2", timestamp: at(2), plantName: "Solar A", market: "day_ahead", volumeMw: 7, firm: false },
      { id: "d3", timestamp: at(3), plantName: "Wind B", market: "intraday", volumeMw: 5, offerId: null },
    ]);
    const ids = async (where: Record<string, string | number | boolean | null>) =>
      (await s.find("dispatch_log", { where, sort: "asc" })).map((d) => d.id);
    assert.deepEqual(await ids({ plantName: "Solar A" }), ["d1", "d2"]);
    assert.deepEqual(await ids({ market: "intraday", volumeMw: 5 }), ["d1", "d3"]);
    assert.deepEqual(await ids({ firm: false }), ["d2"]);
    assert.deepEqual(await ids({ offerId: null }), ["d1", "d2", "d3"]);
    assert.deepEqual(await ids({ plantName: "nobody" }), []);
  });

  test("documents.find() takes from inclusive and to exclusive on the timestamp", async (s) => {
    await s.insert(
      "market_signals",
      Array.from({ length: 10 }, (_, i) => ({
        id: `m${i}`,
        timestamp: at(i * 15),
        market: "intraday",
        price: 50 + i,
        volume: 10,
      })),
    );
    const got = await s.find("market_signals", { from: at(30), to: at(90), sort: "asc" });
    assert.deepEqual(got.map((d) => d.id), ["m2", "m3", "m4", "m5"]);
    assert.equal(await s.count("market_signals", { from: at(30), to: at(90) }), 4);
    assert.equal(await s.count("market_signals", { from: at(30), where: { market: "day_ahead" } }), 0);
  });

  test("documents.find() and count() take a prefix on string fields, case-sensitive and literal", async (s) => {
    const event = (id: string, minute: number, reason: unknown, extra: Record<string, unknown> = {}) => ({
      id,
      timestamp: at(minute),
      kind: "rejected",
      reason,
      ...extra,
    });
    await s.insert("telemetry_events", [
      event("e1", 1, "mw: mw must be a number", { entityKind: "plant" }),
      event("e2", 2, "mw: mw must be finite", { entityKind: "ven" }),
      event("e3", 3, "ts: must be an ISO 8601 date-time"),
      event("e4", 4, "MW: upper case"),
      event("e5", 5, "a.* (literal)"),
      event("e6", 6, 42),
      event("e7", 7, "mw: mw must be a number", { entityKind: "plant" }),
    ]);
    const ids = async (query: Parameters<DocumentStore["find"]>[1]) =>
      (await s.find("telemetry_events", query)).map((d) => d.id);
    assert.deepEqual(await ids({ startsWith: { reason: "mw:" } }), ["e7", "e2", "e1"]);
    assert.deepEqual(await ids({ startsWith: { reason: "mw:" }, where: { entityKind: "ven" } }), ["e2"]);
    assert.deepEqual(await ids({ startsWith: { reason: "mw:" }, from: at(2), to: at(7) }), ["e2"]);
    assert.deepEqual(await ids({ startsWith: { reason: "a.*" } }), ["e5"], "regex characters are literal");
    assert.deepEqual(await ids({ startsWith: { reason: "a.", id: "e5" } }), ["e5"]);
    assert.deepEqual(await ids({ startsWith: { reason: "4" } }), [], "a number is not a string");
    assert.deepEqual(await ids({ startsWith: { reason: "" } }), ["e7", "e5", "e4", "e3", "e2", "e1"]);
    assert.equal(await s.count("telemetry_events", { startsWith: { reason: "mw: mw must be" } }), 3);
    assert.equal(
      await s.count("telemetry_events", {
        startsWith: { reason: "mw:" },
        where: { reason: "mw: mw must be finite" },
      }),
      1,
    );
  });

  test("documents.count() counts matches of the same filters as find()", async (s) => {
    await s.insert("audit", Array.from({ length: 12 }, (_, i) => audit(i)));
    assert.equal(await s.count("audit"), 12);
    assert.equal(await s.count("audit", { where: { action: "login" } }), 6);
    assert.equal(await s.count("audit", { where: { userId: "admin", action: "offer.update" } }), 2);
  });

  test("documents.clear() empties one collection and leaves the others", async (s) => {
    await s.insert("audit", [audit(1)]);
    await s.insert("market_signals", [{ timestamp: at(1), market: "day_ahead", price: 1, volume: 1 }]);
    await s.clear("audit");
    assert.equal(await s.count("audit"), 0);
    assert.equal(await s.count("market_signals"), 1);
  });

  test("documents hide telemetry events whose expiresAt has passed", async (s) => {
    const now = Date.now();
    await s.insert("telemetry_events", [
      { id: "old", timestamp: new Date(now - 60_000), expiresAt: new Date(now - 1_000), kind: "rejected" },
      { id: "live", timestamp: new Date(now), expiresAt: new Date(now + 3_600_000), kind: "rejected" },
      { id: "kept", timestamp: new Date(now), kind: "raw" },
    ]);
    const got = await s.find("telemetry_events", { sort: "asc" });
    assert.deepEqual(got.map((d) => d.id).sort(), ["kept", "live"]);
    const live = got.find((d) => d.id === "live")!;
    assert.ok(live.expiresAt instanceof Date);
    assert.equal(live.expiresAt.getTime(), now + 3_600_000);
    assert.equal(await s.count("telemetry_events", { where: { kind: "rejected" } }), 1);
  });

  test("documents.find() rejects a where field that is not a plain name with TypeError", async (s) => {
    await assert.rejects(s.find("audit", { where: { "x'; drop table y; --": 1 } }), TypeError);
    await assert.rejects(s.find("audit", { where: { timestamp: "2026" } }), TypeError);
  });

  test("documents.insert() rejects a document without a valid Date timestamp with TypeError", async (s) => {
    await assert.rejects(s.insert("audit", [{ timestamp: "2026-01-01" as unknown as Date }]), TypeError);
    await assert.rejects(s.insert("audit", [{ timestamp: new Date(NaN) }]), TypeError);
  });

  test("documents.ensureIndexes() can run again and check() reports up", async (s) => {
    await s.ensureIndexes();
    const status = await s.check();
    assert.equal(status.store, "documents");
    assert.equal(status.state, "up");
  });
}
