import assert from "node:assert/strict";
import { insertMeter, insertSite } from "../actors/site/testing.ts";
import type { Sql } from "../stores/postgres/client.ts";
import { pgBackends, withTestDatabase } from "../stores/postgres/testing.ts";
import { generateForAllSites, generateRecommendations, MIN_COVERED_HOURS } from "./generator.ts";
import { readSiteFacts } from "./site_facts.ts";
import { craftedSite, fillMeterRollups } from "./testing.ts";

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 9, 31);
const utcHour = (ts: number) => new Date(ts).getUTCHours();

async function generated(sql: Sql, site: string) {
  return await sql<
    {
      id: string;
      rule: string;
      status: string;
      active: boolean;
      title: string;
      updated_at: Date;
      metadata: Record<string, unknown>;
    }[]
  >`select * from recommendations where site_id = ${site} order by rule`;
}

for (const backend of pgBackends()) {
  Deno.test(`readSiteFacts() sums meters by category into grid import, in kW and by local hour (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const site = await insertSite(sql);
      await sql`update sites set timezone = 'Asia/Tokyo' where id = ${site}`;
      const a = await insertMeter(sql, site, { name: "A", category: "CONS" });
      const b = await insertMeter(sql, site, { name: "B", category: "CONS" });
      await sql`update meters set unit = 'W' where id = ${b}`;
      const pv = await insertMeter(sql, site, { name: "PV", category: "PROD" });
      await fillMeterRollups(sql, a, "power", NOW, 48, (h) => (utcHour(h) === 3 ? 200 : 100));
      await fillMeterRollups(sql, b, "power", NOW, 48, () => 50_000);
      await fillMeterRollups(sql, pv, "power", NOW, 24, () => 30); // silent the first day: counts its mean
      const facts = (await readSiteFacts(sql, site, { now: NOW, days: 30 }))!;
      assert.equal(facts.coveredHours, 48);
      assert.equal(facts.importByHour[12], 220, "03:00 UTC is noon in Tokyo: 200 + 50 - 30");
      assert.equal(facts.importByHour[13], 120);
      assert.deepEqual(
        facts.peakImport,
        { kw: 220, at: new Date(NOW - 45 * HOUR).toISOString() },
        "the first",
      );
      assert.equal(facts.meters.find((m) => m.name === "B")!.avgKw, 50);
      assert.equal(facts.window.to, new Date(NOW).toISOString());
      assert.equal(await readSiteFacts(sql, crypto.randomUUID()), undefined);
    }));

  Deno.test(`generateRecommendations() writes what fires with its figures and reasons (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const { site, charger } = await craftedSite(sql, NOW);
      const { run, changes } = (await generateRecommendations(sql, site, { now: NOW }))!;
      assert.equal(run.reason, null);
      assert.deepEqual(run.created.map((r) => r.rule).sort(), [
        "daytime_solar",
        "grid_capacity_peak",
        "low_power_factor",
        "peak_load_shift",
      ]);
      assert.equal(run.created.find((r) => r.rule === "peak_load_shift")!.assetId, charger);
      assert.deepEqual(run.notFired, [
        { rule: "idle_storage", assetId: null, outcome: "clear", reason: "The site has no battery" },
      ]);
      assert.equal(changes.length, 4);
      assert.ok(changes.every((c) => c.action === "create" && c.before === undefined));

      const [peak] =
        await sql`select * from recommendations where site_id = ${site} and rule = 'grid_capacity_peak'`;
      // (400 - 0.9 x 420) kW x 10 EUR/kW-month x 12 = 2640 EUR; 10,000 EUR of load control
      assert.deepEqual(
        [peak.estimated_savings_eur, peak.investment_eur, peak.roi_percent, peak.payback_months, peak.status],
        [2640, 10000, 26.4, 45.5, "open"],
      );
      assert.equal(peak.recommendation_type, "demand_response");
      assert.equal(peak.metadata.rule, "grid_capacity_peak");
      assert.equal(peak.metadata.ruleVersion, 1);
      assert.match(peak.metadata.reason, /Grid import reached 400 kW/);
      assert.deepEqual(peak.metadata.window, {
        from: new Date(NOW - 30 * 24 * HOUR).toISOString(),
        to: new Date(NOW).toISOString(),
        days: 30,
      });
      assert.equal(peak.metadata.inputs.importCapacityKw, 420);
      assert.deepEqual(peak.metadata.constants, { PEAK_TARGET_SHARE: 0.9, LOAD_CONTROL_EUR: 10000 });
      assert.equal(peak.metadata.prices.tariffFrom.name, "Feeder");
      assert.equal(peak.metadata.prices.carbonFrom, "default 300 gCO2e/kWh");

      const [pf] =
        await sql`select * from recommendations where site_id = ${site} and rule = 'low_power_factor'`;
      assert.equal(pf.recommendation_type, "efficiency");
      assert.equal(pf.metadata.inputs.meters[0].powerFactor, 0.8);
      assert.ok(pf.estimated_savings_eur > 0 && pf.investment_eur > 0 && pf.carbon_reduction_kg > 0);
    }));

  Deno.test(`generateRecommendations() updates open ones and never touches what a user decided (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const { site, meter } = await craftedSite(sql, NOW);
      const first = (await generateRecommendations(sql, site, { now: NOW }))!.run;
      const ids = Object.fromEntries(first.created.map((r) => [r.rule, r.id]));

      const again = (await generateRecommendations(sql, site, { now: NOW + HOUR }))!;
      assert.equal(again.run.created.length, 0);
      assert.deepEqual(again.run.updated.map((r) => r.id).sort(), Object.values(ids).sort(), "the same rows");
      assert.ok(again.changes.every((c) => c.action === "update" && c.before?.id === c.after.id));
      assert.equal((await generated(sql, site)).length, 4, "no duplicates");

      await sql`update recommendations set status = 'accepted', title = 'Ours now' where id = ${ids.grid_capacity_peak}`;
      await sql`update recommendations set status = 'rejected' where id = ${ids.daytime_solar}`;
      const decided = await generated(sql, site);
      const third = (await generateRecommendations(sql, site, { now: NOW + 2 * HOUR }))!.run;
      assert.deepEqual(third.kept.map((r) => [r.rule, r.status]).sort(), [
        ["daytime_solar", "rejected"],
        ["grid_capacity_peak", "accepted"],
      ]);
      assert.deepEqual(third.updated.map((r) => r.rule).sort(), ["low_power_factor", "peak_load_shift"]);
      const after = await generated(sql, site);
      for (const rule of ["grid_capacity_peak", "daytime_solar"]) {
        assert.deepEqual(after.find((r) => r.rule === rule), decided.find((r) => r.rule === rule), rule);
      }
      assert.equal(after.length, 4, "a decided one is not reopened as a new row");

      // the power factor is corrected: the open recommendation is withdrawn, and comes back when it drops again
      await sql`update rollup_30m set sum = 2 * 0.98, min = 0.98, max = 0.98, last = 0.98
        where entity_id = ${meter} and metric = 'power_factor'`;
      const fixed = (await generateRecommendations(sql, site, { now: NOW + 3 * HOUR }))!.run;
      assert.deepEqual(fixed.withdrawn.map((r) => r.id), [ids.low_power_factor]);
      assert.ok(fixed.notFired.some((v) => v.rule === "low_power_factor" && v.outcome === "clear"));
      const [withdrawn] = (await generated(sql, site)).filter((r) => r.rule === "low_power_factor");
      assert.equal(withdrawn.active, false);
      assert.match(
        (withdrawn.metadata.withdrawn as { reason: string }).reason,
        /at least 0\.9 \(Main 0\.98\)/,
      );
      await sql`update rollup_30m set sum = 2 * 0.8, min = 0.8, max = 0.8, last = 0.8
        where entity_id = ${meter} and metric = 'power_factor'`;
      const back = (await generateRecommendations(sql, site, { now: NOW + 4 * HOUR }))!.run;
      assert.ok(back.updated.some((r) => r.id === ids.low_power_factor));
      const [reopened] = (await generated(sql, site)).filter((r) => r.rule === "low_power_factor");
      assert.equal(reopened.active, true);
      assert.equal(reopened.metadata.withdrawn, undefined);
    }));

  Deno.test(`generateRecommendations() writes nothing for a site without enough data, and says why (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const site = await insertSite(sql);
      const meter = await insertMeter(sql, site, { category: "CONS" });
      await fillMeterRollups(sql, meter, "power", NOW, 10, () => 5_000);
      const { run, changes } = (await generateRecommendations(sql, site, { now: NOW }))!;
      assert.match(
        run.reason!,
        new RegExp(`Not enough data: 10 hours .* at least ${MIN_COVERED_HOURS} needed`),
      );
      assert.deepEqual([run.created, run.updated, run.notFired, changes], [[], [], [], []]);
      assert.equal((await generated(sql, site)).length, 0);
      assert.equal(await generateRecommendations(sql, crypto.randomUUID()), undefined, "no such site");
    }));

  Deno.test(`generateForAllSites() goes on past a site that fails, and names it (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const broken = await craftedSite(sql, NOW);
      await sql`update sites set timezone = 'Mars/Olympus_Mons' where id = ${broken.site}`;
      const good = await craftedSite(sql, NOW);
      const idle = await insertSite(sql);
      await sql`update sites set active = false where id = ${idle}`;
      const summary = await generateForAllSites(sql, { now: NOW });
      assert.deepEqual({ ...summary, skipped: Object.keys(summary.skipped) }, {
        sites: 1,
        created: 4,
        updated: 0,
        withdrawn: 0,
        skipped: [broken.site],
      });
      assert.match(summary.skipped[broken.site], /^failed: /);
      assert.equal((await generated(sql, good.site)).length, 4);
    }));
}
