import assert from "node:assert/strict";
import type { AdrEventMessage } from "../../../domain/adr_event.ts";
import { pgBackends } from "../../../stores/postgres/testing.ts";
import { type Published, withApi } from "../../../api/testing.ts";
import { sweepAdrEvents } from "../../../api/adr_events.ts";

const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
const topic = (venId: string) => `gridpulse/vens/${venId}/events`;
const cleared = (p: Published) => p.payload instanceof Uint8Array && p.payload.length === 0;

for (const backend of pgBackends()) {
  Deno.test(`/api/events: ADR event lifecycle (${backend})`, async (t) => {
    await withApi(backend, async (api) => {
      const ven = async (venName: string, groups: string[] = []) =>
        (await api.json("POST", "/api/vens", { as: "operator", status: 201, body: { venName, groups } }))
          .id as string;
      const [north1, north2, solo] = [
        await ven("n1", ["north"]),
        await ven("n2", ["north"]),
        await ven("solo"),
      ];
      const program = await api.json("POST", "/api/programs", {
        as: "operator",
        status: 201,
        body: { programName: "Peak shave" },
      });
      const body = {
        programId: program.id,
        eventName: "Evening peak",
        priority: 1,
        intervalPeriod: { start: inHours(1), duration: "PT2H" },
        intervals: [{ id: 0, payloads: [{ type: "IMPORT_CAPACITY_LIMIT", values: [250] }] }],
        targets: { groups: ["north"], venIds: [solo] },
      };
      let id = "";

      await t.step("create resolves targets and publishes to each VEN, QoS 1 and retained", async () => {
        const created = await api.json("POST", "/api/events", { as: "operator", status: 201, body });
        id = created.id as string;
        assert.equal(created.status, "scheduled");
        assert.deepEqual(created.intervalPeriod, {
          start: new Date(body.intervalPeriod.start).toISOString(),
          duration: "PT2H",
        });
        assert.equal(created.participantCount, 3);
        assert.deepEqual(created.delivery, { notified: 3, failed: 0 });
        assert.deepEqual(
          api.mqtt.published.map((p) => p.topic).sort(),
          [north1, north2, solo].map(topic).sort(),
        );
        for (const p of api.mqtt.published) {
          assert.deepEqual(p.options, { qos: 1, retain: true });
          const m = p.payload as AdrEventMessage;
          assert.equal(m.objectType, "EVENT");
          assert.equal(m.programID, program.id);
          assert.deepEqual(m.intervals[0].payloads, [{ type: "IMPORT_CAPACITY_LIMIT", values: [250] }]);
        }
        const told = api.runtime.calls.filter((c) => c.op === "notify");
        assert.equal(told.length, 3);
        assert.deepEqual(told[0].command, { type: "event.changed", eventId: id, status: "scheduled" });
        const got = await api.json("GET", `/api/events/${id}`, { as: "viewer" });
        assert.ok((got.participants as { notifiedAt: string | null }[]).every((p) => p.notifiedAt));
        const list = await api.json("GET", `/api/events?ven_id=${solo}&status=scheduled`, { as: "viewer" });
        assert.equal(list.total, 1);
      });
      await t.step("a change that drops a VEN cancels it there and clears its retained message", async () => {
        api.mqtt.published.length = 0;
        const changed = await api.json("PATCH", `/api/events/${id}`, {
          as: "operator",
          body: { targets: { groups: ["north"] }, priority: 2 },
        });
        assert.equal(changed.participantCount, 2);
        const toSolo = api.mqtt.published.filter((p) => p.topic === topic(solo));
        assert.equal((toSolo[0].payload as AdrEventMessage).status, "cancelled");
        assert.equal(toSolo[0].options?.retain, false);
        assert.ok(cleared(toSolo[1]) && toSolo[1].options?.retain, "the retained message is cleared");
        const toNorth = api.mqtt.published.filter((p) => p.topic === topic(north1));
        assert.equal((toNorth[0].payload as AdrEventMessage).priority, 2);
      });
      await t.step("PUT replaces the whole event", async () => {
        const replaced = await api.json("PUT", `/api/events/${id}`, {
          as: "operator",
          body: { ...body, eventName: "Evening peak v2", targets: { groups: ["north"] } },
        });
        assert.equal(replaced.eventName, "Evening peak v2");
        assert.equal(replaced.priority, 1);
      });
      await t.step("cancel publishes the cancellation, retained; a second cancel is a 409", async () => {
        api.mqtt.published.length = 0;
        const cancelled = await api.json("POST", `/api/events/${id}/cancel`, { as: "operator" });
        assert.equal(cancelled.status, "cancelled");
        assert.deepEqual(
          api.mqtt.published.map((p) => [(p.payload as AdrEventMessage).status, p.options?.retain]),
          [
            ["cancelled", true],
            ["cancelled", true],
          ],
        );
        await api.problem("POST", `/api/events/${id}/cancel`, 409, { as: "operator" });
        await api.problem("PATCH", `/api/events/${id}`, 409, { as: "operator", body: { priority: 3 } });
      });
      await t.step(
        "when an event ends, the sweep completes it and moves each VEN's retained message on",
        async () => {
          const later = await api.json("POST", "/api/events", {
            as: "operator",
            status: 201,
            body: {
              ...body,
              eventName: "Later",
              intervalPeriod: { start: inHours(5), duration: "PT1H" },
              targets: { venIds: [north1] },
            },
          });
          api.mqtt.published.length = 0;
          const { activated, ended } = await sweepAdrEvents(
            api.services,
            new Date(Date.now() + 4 * 3_600_000),
          );
          assert.deepEqual([activated, ended], [[], [id]]);
          const n1 = api.mqtt.published.find((p) => p.topic === topic(north1))!;
          assert.equal(
            (n1.payload as AdrEventMessage).id,
            later.id,
            "north1 keeps its other current event retained",
          );
          assert.ok(
            cleared(api.mqtt.published.find((p) => p.topic === topic(north2))!),
            "north2 has none left: cleared",
          );
          assert.equal((await api.json("GET", `/api/events/${id}`, { as: "viewer" })).status, "cancelled");
          const again = await sweepAdrEvents(api.services, new Date(Date.now() + 4 * 3_600_000));
          assert.deepEqual(again.ended, [], "an event is swept once");
          const started = await sweepAdrEvents(api.services, new Date(Date.now() + 5.5 * 3_600_000));
          assert.deepEqual(started.activated, [later.id]);
        },
      );
      await t.step("delete tells the VENs and clears their retained message", async () => {
        const doomed = await api.json("POST", "/api/events", {
          as: "operator",
          status: 201,
          body: { ...body, targets: { venIds: [solo] } },
        });
        api.mqtt.published.length = 0;
        await api.json("DELETE", `/api/events/${doomed.id}`, { as: "operator", status: 204 });
        assert.deepEqual(
          api.mqtt.published.map((p) => cleared(p) ? "cleared" : (p.payload as AdrEventMessage).status),
          ["cancelled", "cleared"],
        );
        await api.problem("GET", `/api/events/${doomed.id}`, 404, { as: "viewer" });
        const audit = (await api.audit("adr_event")).map((d) => d.action).sort();
        assert.deepEqual(audit, ["cancel", "create", "create", "create", "delete", "update", "update"]);
      });
      await t.step("a broker that refuses is reported, the event is still saved", async () => {
        api.mqtt.fail = true;
        const created = await api.json("POST", "/api/events", {
          as: "operator",
          status: 201,
          body: { ...body, targets: { venIds: [solo] } },
        });
        api.mqtt.fail = false;
        assert.deepEqual(created.delivery, { notified: 0, failed: 1 });
      });
      await t.step("programs: list, get, rename", async () => {
        assert.equal((await api.json("GET", "/api/programs", { as: "viewer" })).total, 1);
        assert.equal(
          (await api.json("GET", `/api/programs/${program.id}`, { as: "viewer" })).programType,
          "load_shed",
        );
        const renamed = await api.json("PATCH", `/api/programs/${program.id}`, {
          as: "operator",
          body: { retailerName: "GridCo" },
        });
        assert.equal(renamed.retailerName, "GridCo");
        await api.problem("DELETE", `/api/programs/${program.id}`, 403, { as: "viewer" });
      });
      await t.step(
        "bad input: unknown VEN, no target, past event, bad payload, unknown program",
        async () => {
          const unknown = crypto.randomUUID();
          const p1 = await api.problem("POST", "/api/events", 400, {
            as: "operator",
            body: { ...body, targets: { venIds: [solo, unknown] } },
          });
          assert.deepEqual(p1.errors, [{ field: "targets.venIds.1", message: "is not a registered VEN" }]);
          const p2 = await api.problem("POST", "/api/events", 400, {
            as: "operator",
            body: { ...body, targets: {} },
          });
          assert.deepEqual(p2.errors?.map((e) => e.field), ["targets"]);
          const p3 = await api.problem("POST", "/api/events", 400, {
            as: "operator",
            body: { ...body, intervalPeriod: { start: inHours(-3), duration: "PT1H" } },
          });
          assert.deepEqual(p3.errors?.map((e) => e.field), ["intervalPeriod.start"]);
          const p4 = await api.problem("POST", "/api/events", 400, {
            as: "operator",
            body: { ...body, intervals: [{ id: 0, payloads: [{ type: "PRICE", values: [1] }] }] },
          });
          assert.equal(p4.errors?.[0].field, "intervals.0.payloads.0.type");
          await api.problem("POST", "/api/events", 422, {
            as: "operator",
            body: { ...body, programId: unknown },
          });
          await api.problem("POST", "/api/events", 403, { as: "viewer", body });
          await api.problem("GET", "/api/events", 401);
        },
      );
    });
  });
}
