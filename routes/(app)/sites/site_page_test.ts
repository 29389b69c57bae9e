import assert from "node:assert/strict";
import { build } from "fresh";
import { type ApiHarness, withApi } from "../../../api/testing.ts";
import type { Role } from "../../../domain/user.ts";
import { insertSite } from "../../../actors/site/testing.ts";
import { generateRecommendations } from "../../../recommendations/generator.ts";
import { craftedSite } from "../../../recommendations/testing.ts";

async function html(api: ApiHarness, path: string, role: Role, status = 200): Promise<string> {
  const res = await api.handler(
    new Request(`http://localhost${path}`, { headers: { Cookie: `gp_access=${api.tokens[role]}` } }),
  );
  const text = await res.text();
  assert.equal(res.status, status, `${path} as ${role}: ${res.status} ${text.slice(0, 400)}`);
  return text;
}

/** The asset connections section of a site page. */
function connections(page: string): string {
  const match = /<section class="card" id="connections">[\s\S]*?<\/section>/.exec(page);
  assert.ok(match, "an asset connections section");
  return match[0];
}

Deno.test("/sites/:id shows the connections between the site's assets, for every role", async () => {
  await build();
  await withApi("embedded", async (api) => {
    const { sql } = api.db;
    const [{ id: portfolio }] = await sql`insert into portfolios (name) values ('Alps') returning id`;
    const [{ id: site }, { id: bare }] = await sql`insert into sites (portfolio_id, name, industry_type)
      values (${portfolio}, 'Lab campus', 'biotech'), (${portfolio}, 'Empty depot', 'logistics') returning id`;
    const [{ id: chiller }, { id: ahu }, { id: ups }] = await sql`
      insert into assets (site_id, name, asset_type)
      values (${site}, 'Chiller 1', 'chiller'), (${site}, 'AHU <Lab> & wing', 'hvac'), (${site}, 'UPS', 'ups')
      returning id`;
    await sql`insert into asset_connections (from_asset_id, to_asset_id, relationship, direction)
      values (${chiller}, ${ahu}, 'energy_flow', 'out'), (${ups}, ${chiller}, 'data_flow', 'bi'),
             (${ahu}, ${ups}, 'dependency', 'in')`;

    for (const role of ["viewer", "operator"] as const) {
      const section = connections(await html(api, `/sites/${site}`, role));
      const rows = section.match(/<tr\s+data-connection="[^"]+">[\s\S]*?<\/tr>/g) ?? [];
      assert.equal(rows.length, 3, role);
      const flow = rows.find((r) => r.includes("Energy flow"));
      assert.ok(flow, "the energy flow row");
      assert.match(flow, /Chiller 1[\s\S]*→[\s\S]*Out[\s\S]*AHU &lt;Lab(>|&gt;) &amp; wing/, "names escaped");
      assert.match(section, /UPS[\s\S]*↔[\s\S]*Both ways[\s\S]*Chiller 1[\s\S]*Data flow/);
      assert.match(section, /←[\s\S]*In[\s\S]*Dependency/);
      assert.doesNotMatch(section, /<Lab>/);
    }
    for (const role of ["viewer", "operator"] as const) {
      assert.match(
        connections(await html(api, `/sites/${bare}`, role)),
        /No connections between this site(&#39;|'|&#x27;)s assets/,
      );
    }
  });
});

/** The recommendations section of a site page. */
function recommendations(page: string): string {
  const match = /<section class="card" id="recommendations">[\s\S]*?<\/section>/.exec(page);
  assert.ok(match, "a recommendations section");
  return match[0];
}

Deno.test("/sites/:id lists generated recommendations with their figures and reason, and users' ones", async () => {
  await build();
  await withApi("embedded", async (api) => {
    const { sql } = api.db;
    const { site, charger } = await craftedSite(sql, Math.floor(Date.now() / 3_600_000) * 3_600_000);
    await generateRecommendations(sql, site);
    await sql`update assets set name = 'Depot chargers' where id = ${charger}`;
    await sql`insert into recommendations (site_id, title, recommendation_type, status, estimated_savings_eur)
      values (${site}, 'Insulate the <cold> store', 'efficiency', 'accepted', 1200)`;
    for (const role of ["viewer", "operator"] as const) {
      const section = recommendations(await html(api, `/sites/${site}`, role));
      const items = section.split(/<li\s+data-recommendation=/).slice(1); // each with its nested inputs list
      assert.equal(items.length, 5, role);
      const peak = items.find((i) => i.includes("grid_capacity_peak"));
      assert.ok(peak, "the generated demand response recommendation");
      assert.match(peak, /Keep grid import below 378 kW at peak times/);
      assert.match(peak, /Saves <strong>2,640 EUR a year<\/strong>/);
      assert.match(peak, /Investment <strong>10,000 EUR<\/strong>[\s\S]*ROI <strong>26.4 %<\/strong>/);
      assert.match(peak, /Payback <strong>45.5 months<\/strong>/);
      assert.match(peak, /Why: Grid import reached 400 kW in the hour from/);
      assert.match(peak, /<code>importCapacityKw<\/code> 420/, "the inputs the rule used");
      assert.match(peak, /CO₂ <strong>no change<\/strong>/);
      const shift = items.find((i) => i.includes("peak_load_shift"));
      assert.match(shift!, /asset Depot chargers/);
      const user = items.at(-1)!;
      assert.match(user, /Insulate the &lt;cold(>|&gt;) store[\s\S]*Accepted[\s\S]*Entered by a user/);
      assert.doesNotMatch(section, /<cold>/);
    }
    const bare = await insertSite(sql);
    assert.match(recommendations(await html(api, `/sites/${bare}`, "viewer")), /No recommendations yet/);
  });
});
