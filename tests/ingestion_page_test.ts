/**
 * `/ingestion` through `app.handler()`: the counts per source and minute and the rejected messages the
 * writer recorded, their filters from the query string, payloads escaped, no JavaScript shipped; and
 * the Architecture page's link to it.
 */
import assert from "node:assert/strict";
import { build } from "fresh";
import { silentLogger } from "../core/log.ts";
import type { DeadLetter } from "../actors/protocol.ts";
import { sinkBatch, SINKS } from "../actors/testing.ts";
import { Writer } from "../actors/writer.ts";
import { seriesRejectedDocument } from "../actors/series_outbox.ts";
import { type ApiHarness, withApi } from "../api/testing.ts";

function page(api: ApiHarness, path: string): Promise<Response> {
  return api.handler(
    new Request(`http://localhost${path}`, { headers: { Cookie: `gp_access=${api.tokens.viewer}` } }),
  );
}

async function html(api: ApiHarness, path: string): Promise<string> {
  const res = await page(api, path);
  const text = await res.text();
  assert.equal(res.status, 200, `${path}: ${text.slice(0, 300)}`);
  return text;
}

const rows = (text: string) => [...text.matchAll(/<tr [^>]*data-event="([^"]+)"/g)].map((m) => m[1]);

Deno.test("/ingestion shows counts per source and the rejected messages with why, filtered by the query", async () => {
  await build();
  await withApi("embedded", async (api) => {
    const now = Date.now();
    const plant = crypto.randomUUID();
    const ven = crypto.randomUUID();
    const letter = (over: Partial<DeadLetter>): DeadLetter => ({
      uid: crypto.randomUUID(),
      kind: "plant",
      id: plant,
      topic: `gridpulse/plants/${plant}/telemetry`,
      reason: "mw: must be a number",
      payload: '{"mw":"n/a"}',
      receivedAt: now - 60_000,
      ...over,
    });
    const letters = [
      letter({}),
      letter({
        kind: "ven",
        id: ven,
        topic: `gridpulse/vens/${ven}/telemetry`,
        reason: "unknown ven id",
        payload: `<script>alert("x")</script>${"y".repeat(400)}`,
        receivedAt: now - 30_000,
      }),
    ];
    const writer = new Writer({
      sql: api.services.sql,
      sinks: SINKS,
      log: silentLogger,
      documents: api.documents,
    });
    await writer.submit(sinkBatch({}, {
      rejected: letters,
      counts: { plant: { accepted: 41, rejected: 1 }, ven: { accepted: 9, rejected: 1 } },
      messages: 52,
    }));

    const all = await html(api, "/ingestion");
    assert.match(all, /<title>Ingestion · GridPulse<\/title>/);
    assert.match(all, /<a href="\/ingestion" aria-current="page">Ingestion<\/a>/, "in the navigation");
    assert.doesNotMatch(all, /<script/, "ships no JavaScript, and the payload's script tag is escaped");
    assert.match(all, /&lt;script>alert\(&quot;x&quot;\)&lt;\/script>y+…</, "payload escaped and cut");
    assert.match(
      all,
      /data-source="mqtt:plant"[\s\S]*?>41<[\s\S]*?>1<[\s\S]*?2\.4 %/,
      "last hour per source",
    );
    assert.match(all, /data-minute="[^"]+"[\s\S]*?mqtt:plant/, "minute by minute");
    assert.deepEqual(rows(all), [letters[1].uid, letters[0].uid], "newest first");
    assert.match(all, /unknown ven id/);
    assert.match(all, new RegExp(`href="/ingestion\\?id=${ven}&amp;kind=ven"`), "an entity filters the list");

    assert.deepEqual(rows(await html(api, "/ingestion?kind=ven")), [letters[1].uid]);
    assert.deepEqual(rows(await html(api, `/ingestion?id=${plant}`)), [letters[0].uid]);
    assert.deepEqual(rows(await html(api, "/ingestion?reason=mw%3A")), [letters[0].uid], "reason prefix");
    assert.deepEqual(rows(await html(api, "/ingestion?kind=site")), []);
    assert.match(await html(api, "/ingestion?kind=site"), /No rejected message matches these filters/);
    assert.deepEqual(
      rows(await html(api, "/ingestion?kind=bogus&hours=9999")).length,
      2,
      "bad filters are ignored",
    );

    // readings the InfluxDB mirror refused: a section of their own, only when there are any
    assert.doesNotMatch(all, /Readings InfluxDB refused/);
    const point = {
      measurement: "meter_readings",
      tags: { plant_id: plant, metric: "power_mw" },
      fields: { value: 4 },
      ts: 0,
    };
    const refused = await seriesRejectedDocument({
      point,
      line: `meter_readings,metric=power_mw,plant_id=${plant} value=4 0`,
      status: 422,
      reason: "failure writing points to database: partial write: points beyond retention policy dropped=1",
    });
    await api.documents.insert("telemetry_events", [refused]);
    const withRefused = await html(api, "/ingestion");
    assert.match(withRefused, /<h2[^>]*>Readings InfluxDB refused/);
    assert.match(
      withRefused,
      new RegExp(
        `data-series-refused="${refused.id}"[\\s\\S]*?plant <code>${plant}</code>[\\s\\S]*?InfluxDB HTTP 422: failure writing points to database: partial write: points beyond retention policy dropped=1[\\s\\S]*?meter_readings,metric=power_mw`,
      ),
    );
    assert.deepEqual(rows(withRefused), [letters[1].uid, letters[0].uid], "not among the rejected messages");

    const architecture = await html(api, "/architecture");
    assert.match(architecture, /<a href="\/ingestion">Ingestion<\/a>/);
    assert.match(
      architecture,
      /<a href="\/ingestion#rejected" data-rejected-link[^>]*>0 rejected<\/a>/,
      "the count links",
    );
    assert.doesNotMatch(architecture, /time-partitioned|raw and rejected/);
  });
});
