/**
 * The dashboard in Chromium against a seeded GridPulse: one line per plant named from the database,
 * every anomaly a red point on its own plant's line at its time (read from the Chart.js instance, not
 * pixels), live readings and alerts without a reload (one published over MQTT and taken through the
 * actor runtime), the 1 h window, and the polling fallback.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import mqtt from "mqtt";
import { topics } from "../domain/telemetry.ts";
import { CHANGES_CHANNEL } from "../stores/cache/cache.ts";
import { launchBrowser } from "./_browser.ts";
import { blockOutside, screenshots, signIn, startTestApp, watchErrors } from "./_app.ts";

/** The dashboard chart's datasets as plain data. */
function datasets(page: Page) {
  return page.evaluate(() => {
    // deno-lint-ignore no-explicit-any
    const chart = (document.querySelector("#dashboard-chart") as any).__chart;
    return chart.data.datasets.map((d: { label: string; data: unknown[] }, i: number) => ({
      label: d.label,
      points: d.data.length,
      anomalies: d.data.flatMap((p, j) => {
        const point = p as { x: number; y: number; anomaly?: { id: string } };
        if (!point.anomaly) return [];
        const color = chart.getDatasetMeta(i).data[j]?.options.backgroundColor;
        return [{ id: point.anomaly.id, x: point.x, y: point.y, color }];
      }),
    })) as {
      label: string;
      points: number;
      anomalies: { id: string; x: number; y: number; color: string }[];
    }[];
  });
}

/** Waits until plant `label`'s line has a point at `x` with value `y`. */
function waitForPoint(page: Page, label: string, x: number, y: number) {
  return page.waitForFunction(
    ([label, x, y]) => {
      // deno-lint-ignore no-explicit-any
      const chart = (document.querySelector("#dashboard-chart") as any)?.__chart;
      const ds = chart?.data.datasets.find((d: { label: string }) => d.label === label);
      return ds?.data.some((p: { x: number; y: number }) => p.x === x && p.y === y);
    },
    [label, x, y] as const,
    { timeout: 15_000 },
  );
}

Deno.test("dashboard: lines per plant, anomalies on their plant, live without reload, polling fallback", async (t) => {
  const app = await startTestApp({ actors: true });
  const browser = await launchBrowser();
  const { sql } = app.services;
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(15_000);
    const outside = await blockOutside(context);
    await signIn(context, app, "viewer");
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${app.url}/`);
    await page.waitForFunction(() => document.querySelector("[data-feed=live]"));
    const plants = await sql<
      { id: string; name: string }[]
    >`select id, name from plants where active order by name`;

    await t.step("one dataset per plant, named from the database", async () => {
      assert.equal(await page.title(), "Dashboard · GridPulse");
      const lines = await datasets(page);
      assert.deepEqual(lines.map((l) => l.label), plants.map((p) => p.name));
      assert.ok(lines.every((l) => l.points > 50), "24 h of 10-minute buckets per plant");
    });

    await t.step("every anomaly is a red point on its own plant's line, at its time and value", async () => {
      const expected = await sql<{ id: string; ts: Date; value: number; name: string }[]>`
        select a.id, a.ts, a.value, p.name from alerts a join plants p on p.id = a.plant_id
        where a.type in ('Spike', 'ThresholdExceeded') and a.ts > now() - interval '24 hours'`;
      assert.ok(expected.length >= 3, "the seed has spikes and breaches");
      const lines = await datasets(page);
      for (const alert of expected) {
        const holders = lines.filter((l) => l.anomalies.some((a) => a.id === alert.id));
        assert.deepEqual(
          holders.map((l) => l.label),
          [alert.name],
          `alert ${alert.id} sits on ${alert.name} only`,
        );
        const point = holders[0].anomalies.find((a) => a.id === alert.id)!;
        assert.equal(point.x, alert.ts.getTime());
        assert.equal(point.y, alert.value);
        assert.equal(point.color, "#dc2626");
      }
    });

    await t.step("a reading published on the change channel appears without a reload", async () => {
      const plant = plants[0];
      const ts = Date.now();
      await app.services.cache.publish(CHANGES_CHANNEL, {
        kind: "plant",
        id: plant.id,
        type: "reading",
        ts: new Date(ts).toISOString(),
        data: { metric: "power_mw", value: 77.125 },
      });
      await waitForPoint(page, plant.name, ts, 77.125);
      await page.locator("text=77.13 MW").first().waitFor();
    });

    // The real path: device -> MQTT -> plant actor -> PostgreSQL and the change channel -> /api/stream -> chart
    await t.step("a reading published over MQTT reaches the chart through the actor runtime", async () => {
      const plant = plants[3];
      const ts = Date.now();
      const client = await mqtt.connectAsync(app.services.mqtt!.url, {
        clientId: `pages-${crypto.randomUUID()}`,
      });
      try {
        const payload = JSON.stringify({ ts: new Date(ts).toISOString(), mw: 31.25 });
        await client.publishAsync(topics.plantTelemetry(plant.id), payload, { qos: 1 });
      } finally {
        await client.endAsync();
      }
      await waitForPoint(page, plant.name, ts, 31.25);
      const [row] =
        await sql`select value from meter_readings where plant_id = ${plant.id} and ts = ${new Date(ts)}`;
      assert.equal(row?.value, 31.25, "the actor stored it too");
    });

    await t.step("an alert published live adds a red point and a table row", async () => {
      const plant = plants[1];
      const id = crypto.randomUUID();
      const ts = Date.now();
      await app.services.cache.publish(CHANGES_CHANNEL, {
        kind: "alert",
        id,
        type: "alert.opened",
        ts: new Date(ts).toISOString(),
        entityKind: "plant",
        entityId: plant.id,
        data: {
          id,
          entityKind: "plant",
          entityId: plant.id,
          plantId: plant.id,
          type: "Spike",
          severity: "critical",
          message: "Output 99 MW is 4x the baseline",
          value: 99,
          ts: new Date(ts).toISOString(),
          state: "open",
        },
      });
      await waitForPoint(page, plant.name, ts, 99);
      await page.locator(`[data-alert="${id}"]`).waitFor();
      const line = (await datasets(page)).find((l) => l.label === plant.name)!;
      assert.equal(line.anomalies.find((a) => a.id === id)?.color, "#dc2626");
      await screenshots(page, "dashboard-live");
    });

    await t.step("the 1 h window draws raw readings", async () => {
      await page.goto(`${app.url}/?window=1h`);
      await page.waitForFunction(() => document.querySelector("[data-feed=live]"));
      const lines = await datasets(page);
      assert.equal(lines.length, plants.length);
      const busiest = Math.max(...lines.map((l) => l.points));
      assert.ok(busiest >= 55 && busiest <= 62, `about 60 one-minute readings, got ${busiest}`);
      assert.equal(await page.locator(".segmented [aria-current]").textContent(), "1 h");
    });

    await t.step("with the stream down it polls, and catches up when the stream returns", async () => {
      await page.route("**/api/stream?*", (route) => route.abort());
      await page.goto(`${app.url}/?window=1h`);
      await page.waitForFunction(() => document.querySelector("[data-feed=polling]"));
      // written to the database only: no change event announces it, so only a poll can show it
      const plant = plants[2];
      const ts = Math.floor(Date.now() / 1000) * 1000;
      await sql`insert into meter_readings (plant_id, ts, value) values (${plant.id}, ${new Date(ts)}, 55.5)`;
      await page.unroute("**/api/stream?*");
      await waitForPoint(page, plant.name, ts, 55.5);
      await page.waitForFunction(() => document.querySelector("[data-feed=live]"));
    });

    assert.deepEqual(outside, [], "nothing was requested from outside this server");
    assert.deepEqual(errors.filter((e) => !/api\/stream/.test(e)), []);
  } finally {
    await browser.close();
    await app.stop();
  }
});
