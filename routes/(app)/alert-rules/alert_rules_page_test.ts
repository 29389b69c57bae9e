import assert from "node:assert/strict";
import { build } from "fresh";
import { type ApiHarness, withApi } from "../../../api/testing.ts";
import type { Role } from "../../../domain/user.ts";
import { insertPlant } from "../../../actors/testing.ts";
import { insertVen } from "../../../actors/ven/testing.ts";

async function html(api: ApiHarness, path: string, role: Role, status = 200): Promise<string> {
  const res = await api.handler(
    new Request(`http://localhost${path}`, { headers: { Cookie: `gp_access=${api.tokens[role]}` } }),
  );
  const text = await res.text();
  assert.equal(res.status, status, `${path} as ${role}: ${res.status} ${text.slice(0, 400)}`);
  return text;
}

/** The table row of the rule named `name`. */
function row(page: string, name: string): string {
  const match = new RegExp(`<tr[^>]*data-rule="[^"]+"[^>]*>(?:(?!</tr>)[\\s\\S])*?${name}[\\s\\S]*?</tr>`)
    .exec(page);
  assert.ok(match, `a row for ${name}`);
  return match[0];
}

Deno.test("/alert-rules lists rules for every role, with write controls for operators only", async () => {
  await build();
  await withApi("embedded", async (api) => {
    const { sql } = api.db;
    const plant = await insertPlant(sql, { name: "Alpine Hydro" });
    const peaker = await insertPlant(sql, { name: "Old Peaker" });
    const gone = await insertPlant(sql, { name: "Sold Plant" });
    await insertVen(sql, { name: "ven-depot" });
    await sql`insert into alert_rules (name, entity_kind, entity_id, metric, comparator, threshold, duration_s, severity, enabled)
      values ('Alpine above licence', 'plant', ${plant}, 'power_mw', 'above', 64, 60, 'critical', true),
             ('Any VEN overloaded', 'ven', null, 'used_power_kw', 'above', 1600, 0, 'warning', true),
             ('Peaker rule', 'plant', ${peaker}, 'power_mw', 'below', -5, 0, 'info', false),
             ('Sold plant rule', 'plant', ${gone}, 'power_mw', 'above', 1, 0, 'info', true),
             ('Any plant negative', 'plant', null, 'power_mw', 'below', -10, 0, 'info', false)`;
    await sql`delete from plants where id = ${gone}`; // its rule goes with it (migration 0180)

    const viewer = await html(api, "/alert-rules", "viewer");
    assert.match(viewer, /<title>Alert rules · GridPulse<\/title>/);
    assert.match(viewer, /<a href="\/alert-rules" aria-current="page">Alert rules<\/a>/);
    const alpine = row(viewer, "Alpine above licence");
    assert.match(alpine, new RegExp(`<a href="/plants/${plant}">Alpine Hydro</a>`));
    assert.match(alpine, /power_mw/);
    assert.match(alpine, /above 64(\.00)? for 60 s/);
    assert.match(alpine, /Critical/);
    assert.match(alpine, /Enabled/);
    const anyVen = row(viewer, "Any VEN overloaded");
    assert.match(anyVen, /Every VEN/);
    assert.match(anyVen, /above 1,600(\.00)? at once/);
    const peakerRow = row(viewer, "Peaker rule");
    assert.match(peakerRow, new RegExp(`<a href="/plants/${peaker}">Old Peaker</a>`));
    assert.match(peakerRow, /Disabled/);
    assert.doesNotMatch(viewer, /Sold plant rule/, "a deleted plant's rule is not listed");
    assert.doesNotMatch(
      viewer,
      /New rule|>Disable<|>Enable<|>Delete<|\/api\/alert-rules/,
      "a viewer sees no write control",
    );
    assert.doesNotMatch(viewer, /<script/, "a viewer's list ships no JavaScript");

    const operator = await html(api, "/alert-rules", "operator");
    assert.match(operator, /href="\/alert-rules\/new"/);
    assert.match(row(operator, "Alpine above licence"), />Disable</);
    assert.match(row(operator, "Peaker rule"), />Enable</);
    assert.match(row(operator, "Peaker rule"), />Delete</);
    // the confirm questions travel in the islands' props
    assert.match(operator, /Enable “Peaker rule”\? It applies from the next reading/);
    assert.match(
      operator,
      /Enable “Any plant negative”\? Every actor of the kind takes it up within seconds/,
      "enabling a rule for every plant says it takes a moment (actors/reconfigurer.ts)",
    );

    const vens = await html(api, "/alert-rules?kind=ven&enabled=true", "viewer");
    assert.match(vens, /Any VEN overloaded/);
    assert.doesNotMatch(vens, /Alpine above licence|Peaker rule/);
    assert.match(await html(api, "/alert-rules?kind=meter", "viewer"), /No alert rule matches these filters/);
  });
});

Deno.test("/alert-rules/new: a form per kind for operators, 403 for viewers", async () => {
  await build();
  await withApi("embedded", async (api) => {
    await insertVen(api.db.sql, { name: "ven-depot" });
    assert.match(await html(api, "/alert-rules/new", "viewer", 403), /needs the operator role/);
    const plant = await html(api, "/alert-rules/new", "operator");
    assert.match(plant, /class="resource-form"/);
    assert.match(plant, /Every plant/);
    const ven = await html(api, "/alert-rules/new?kind=ven", "admin");
    assert.match(ven, /ven-depot/);
    assert.match(ven, /Every VEN/);
    assert.match(ven, /value="shed_power_kw"/);
    assert.match(await html(api, "/alert-rules/new?kind=meter", "operator"), /value="state_of_charge"/);
  });
});
