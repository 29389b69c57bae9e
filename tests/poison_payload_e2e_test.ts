/**
 * U+0000 in telemetry, end to end. PostgreSQL text and jsonb cannot hold it: a rejected payload carrying a
 * raw NUL byte (a C string's terminator) made a dead letter that could never be stored, and an accepted
 * string carrying `\u0000` (a VEN load type) made every group commit it joined fail. Either way the batch
 * was retried forever and no message behind it on the worker's sessions was acknowledged again: ingestion
 * stopped, and a restart brought the same message back. Now both are dead letters with a reason and the
 * readings around them are stored.
 */
import assert from "node:assert/strict";
import { countReadings, purgeSessions, startRuntime, waitFor } from "../actors/runtime_testing.ts";
import { insertPlant } from "../actors/testing.ts";
import { insertVen } from "../actors/ven/testing.ts";
import { NUL_REASON } from "../actors/payload.ts";
import { topics } from "../domain/telemetry.ts";
import { privateBroker } from "../mqtt/testing.ts";
import { pgBackends } from "../stores/postgres/testing.ts";
import { withApi } from "../api/testing.ts";

const encoder = new TextEncoder();

for (const backend of pgBackends()) {
  Deno.test(`U+0000 in telemetry is a dead letter with its reason and ingestion goes on (${backend})`, () =>
    withApi(backend, async (api) => {
      const { sql } = api.services;
      const broker = await privateBroker();
      const plant = await insertPlant(sql);
      const ven = await insertVen(sql);
      // one worker, one shard, a small mailbox: a wedged batch would stop this session within 50 messages
      const rt = await startRuntime(sql, broker.url, {
        workers: 1,
        shards: 1,
        mailboxSize: 50,
        documents: api.documents,
      });
      try {
        const t0 = Date.now() - 600_000;
        for (let i = 0; i < 20; i++) await rt.send(plant, { ts: t0 + i * 1000, mw: 10 });
        // a raw NUL byte after the JSON: invalid JSON, and V8's message quotes the character
        await rt.publisher.publish(
          topics.plantTelemetry(plant),
          encoder.encode(`{"ts":${t0 + 20_500},"mw":1}\u0000`),
        );
        // valid JSON whose strings hold U+0000: a load type and a status details key
        const load = `{"loadId":"l1","type":"hvac\\u0000","usedKw":1,"shedCapableKw":1}`;
        await rt.publisher.publish(
          topics.venTelemetry(ven),
          encoder.encode(`{"ts":${t0},"usedPowerKw":1,"shedPowerKw":0,"loads":[${load}]}`),
        );
        await rt.publisher.publish(
          topics.venStatus(ven),
          encoder.encode(`{"ts":${t0},"status":"online","details":{"fw\\u0000":"1"}}`),
        );
        for (let i = 20; i < 200; i++) await rt.send(plant, { ts: t0 + i * 1000, mw: 10 });
        await waitFor(
          async () => (await countReadings(sql, [plant])) === 200 || undefined,
          "all 200 readings around the NUL payloads stored",
          30_000,
          100,
        );
        const events = await waitFor(
          async () => {
            const page = await api.json<{ items: { topic: string; reason: string; payload: string }[] }>(
              "GET",
              "/api/telemetry/events",
              { as: "viewer" },
            );
            return page.items.length === 3 ? page.items : undefined;
          },
          "three dead letters",
          20_000,
          100,
        );
        const byTopic = new Map(events.map((e) => [e.topic, e]));
        const raw = byTopic.get(topics.plantTelemetry(plant))!;
        assert.match(raw.reason, /^invalid JSON/);
        assert.ok(!raw.reason.includes("\0") && !raw.payload.includes("\0"), "stored without U+0000");
        assert.ok(raw.payload.startsWith(`{"ts":${t0 + 20_500},"mw":1}`), "the payload as received");
        assert.equal(byTopic.get(topics.venTelemetry(ven))!.reason, NUL_REASON);
        assert.equal(byTopic.get(topics.venStatus(ven))!.reason, NUL_REASON);
      } finally {
        await rt.stop();
        await purgeSessions(broker.url, rt.prefix, 1);
        await broker.close();
      }
    }));
}
