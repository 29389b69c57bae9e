import assert from "node:assert/strict";
import { build } from "fresh";
import { type ApiHarness, withApi } from "../../../api/testing.ts";
import type { Role } from "../../../domain/user.ts";
import { insertVen } from "../../../actors/ven/testing.ts";

async function html(api: ApiHarness, path: string, role: Role, status = 200): Promise<string> {
  const res = await api.handler(
    new Request(`http://localhost${path}`, { headers: { Cookie: `gp_access=${api.tokens[role]}` } }),
  );
  const text = await res.text();
  assert.equal(res.status, status, `${path} as ${role}: ${res.status} ${text.slice(0, 400)}`);
  return text;
}

/** The status changes section of a VEN page. */
function statuses(page: string): string {
  const match = /<section class="card" id="statuses">[\s\S]*?<\/section>/.exec(page);
  assert.ok(match, "a status changes section");
  return match[0];
}

Deno.test("/vens/:id shows the VEN's recent status changes with source and escaped details", async () => {
  await build();
  await withApi("embedded", async (api) => {
    const { sql } = api.db;
    const ven = await insertVen(sql, { name: "ven-depot" });
    const quiet = await insertVen(sql, { name: "ven-quiet" });
    const base = Date.parse("2026-05-01T08:00:00Z");
    await sql`insert into ven_statuses (ven_id, ts, status, source, details) values
      (${ven}, ${new Date(base)}, 'online', 'device', ${sql.json({ firmware: "2.4.1" })}),
      (${ven}, ${new Date(base + 600_000)}, 'offline', 'detector',
        ${sql.json({ reason: "silent", expectedIntervalS: 60 })}),
      (${ven}, ${new Date(base + 1_200_000)}, 'online', 'device',
        ${sql.json({ note: "<img src=x onerror=alert(1)>", panel: { breaker: "B&2" } })})`;

    for (const role of ["viewer", "operator"] as const) {
      const section = statuses(await html(api, `/vens/${ven}`, role));
      const rows = section.match(/<tr\s+data-status="[^"]+">[\s\S]*?<\/tr>/g) ?? [];
      assert.equal(rows.length, 3, role);
      assert.match(rows[0], /01 May, 08:20[\s\S]*Online[\s\S]*Reported by the VEN/, "newest first");
      assert.match(rows[0], /note: &lt;img src=x onerror=alert\(1\)(>|&gt;)/, "details are escaped");
      assert.match(rows[0], /panel: \{(&quot;|")breaker(&quot;|"):(&quot;|")B&amp;2(&quot;|")\}/);
      assert.match(
        rows[1],
        /08:10[\s\S]*Offline[\s\S]*Inferred by GridPulse[\s\S]*reason: silent · expectedIntervalS: 60/,
      );
      assert.match(rows[2], /08:00[\s\S]*firmware: 2\.4\.1/);
      assert.doesNotMatch(section, /<img/);
    }
    for (const role of ["viewer", "operator"] as const) {
      assert.match(statuses(await html(api, `/vens/${quiet}`, role)), /No status reported or inferred yet/);
    }
  });
});

Deno.test("/vens/:id says how many status changes it leaves out", async () => {
  await build();
  await withApi("embedded", async (api) => {
    const { sql } = api.db;
    const ven = await insertVen(sql, { name: "ven-chatty" });
    await sql`insert into ven_statuses (ven_id, ts, status, source)
      select ${ven}, timestamptz '2026-05-01T00:00:00Z' + make_interval(mins => i),
        case when i % 2 = 0 then 'online' else 'offline' end, 'device'
      from generate_series(1, 25) i`;
    const section = statuses(await html(api, `/vens/${ven}`, "viewer"));
    assert.equal((section.match(/<tr\s+data-status=/g) ?? []).length, 20);
    assert.match(section, new RegExp(`The newest 20 of 25; all are at /api/vens/${ven}/statuses`));
    assert.match(section, /00:25/, "the newest is shown");
  });
});
