/**
 * Migration 0180: an alert rule is deleted with its plant, VEN or meter, whatever deletes the entity, and
 * the rules earlier deletes left behind are deleted when the migration runs.
 */
import assert from "node:assert/strict";
import { insertPlant } from "../../actors/testing.ts";
import { insertVen } from "../../actors/ven/testing.ts";
import { insertMeter, insertSite } from "../../actors/site/testing.ts";
import type { Sql } from "./client.ts";
import { migrate } from "./migrate.ts";
import { pgBackends, withTestDatabase } from "./testing.ts";

/** Inserts a rule of `kind` for `entityId` (null: every entity of the kind); returns its name. */
async function insertRule(sql: Sql, kind: string, entityId: string | null, name: string): Promise<string> {
  const metric = { plant: "power_mw", ven: "used_power_kw", meter: "power" }[kind];
  await sql`insert into alert_rules (name, entity_kind, entity_id, metric, comparator, threshold)
            values (${name}, ${kind}, ${entityId}, ${metric!}, 'above', 1)`;
  return name;
}

async function ruleNames(sql: Sql): Promise<string[]> {
  return (await sql<{ name: string }[]>`select name from alert_rules order by name`).map((r) => r.name);
}

for (const backend of pgBackends()) {
  Deno.test(`deleting a plant, VEN or meter in SQL deletes its alert rules, and only those (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const [plant, keptPlant, otherPlant] = [
        await insertPlant(sql),
        await insertPlant(sql),
        await insertPlant(sql),
      ];
      const ven = await insertVen(sql);
      const site = await insertSite(sql);
      const [meter, keptMeter] = [await insertMeter(sql, site), await insertMeter(sql, site)];
      await insertRule(sql, "plant", plant, "plant");
      await insertRule(sql, "plant", plant, "plant, second rule");
      await insertRule(sql, "plant", otherPlant, "other plant");
      await insertRule(sql, "plant", keptPlant, "kept plant");
      await insertRule(sql, "plant", null, "every plant");
      await insertRule(sql, "ven", ven, "ven");
      await insertRule(sql, "ven", null, "every ven");
      await insertRule(sql, "meter", meter, "meter");
      await insertRule(sql, "meter", keptMeter, "kept meter");

      // one statement deleting two plants
      await sql`delete from plants where id in (${plant}, ${otherPlant})`;
      assert.deepEqual(await ruleNames(sql), [
        "every plant",
        "every ven",
        "kept meter",
        "kept plant",
        "meter",
        "ven",
      ]);
      await sql`delete from vens where id = ${ven}`;
      await sql`delete from meters where id = ${meter}`;
      assert.deepEqual(await ruleNames(sql), ["every plant", "every ven", "kept meter", "kept plant"]);
    }));

  Deno.test(`deleting a site or a portfolio deletes the rules of the meters it cascades to (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const [site, otherSite] = [await insertSite(sql), await insertSite(sql)];
      await insertRule(sql, "meter", await insertMeter(sql, site), "site meter 1");
      await insertRule(sql, "meter", await insertMeter(sql, site), "site meter 2");
      await insertRule(sql, "meter", await insertMeter(sql, otherSite), "other site meter");
      await insertRule(sql, "meter", null, "every meter");
      await sql`delete from sites where id = ${site}`;
      assert.deepEqual(await ruleNames(sql), ["every meter", "other site meter"]);
      await sql`delete from portfolios where id = (select portfolio_id from sites where id = ${otherSite})`;
      assert.deepEqual(await ruleNames(sql), ["every meter"]);
    }));

  Deno.test(`migration 0180 deletes the rules that earlier deletes left behind (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      // the database as it was before 0180: no triggers, the migration not recorded
      await sql`drop function delete_alert_rules_of_deleted_entities() cascade`;
      await sql`delete from schema_migrations where version = 180`;
      const [plant, gonePlant] = [await insertPlant(sql), await insertPlant(sql)];
      const [ven, goneVen] = [await insertVen(sql), await insertVen(sql)];
      const site = await insertSite(sql);
      const [meter, goneMeter] = [await insertMeter(sql, site), await insertMeter(sql, site)];
      await insertRule(sql, "plant", plant, "plant");
      await insertRule(sql, "plant", gonePlant, "gone plant");
      await insertRule(sql, "plant", null, "every plant");
      await insertRule(sql, "ven", ven, "ven");
      await insertRule(sql, "ven", goneVen, "gone ven");
      await insertRule(sql, "meter", meter, "meter");
      await insertRule(sql, "meter", goneMeter, "gone meter");
      // a rule naming an entity of another kind refers to nothing
      await insertRule(sql, "meter", plant, "meter rule on a plant id");
      await sql`delete from plants where id = ${gonePlant}`;
      await sql`delete from vens where id = ${goneVen}`;
      await sql`delete from meters where id = ${goneMeter}`;
      assert.equal((await ruleNames(sql)).length, 8, "left behind without the triggers");

      assert.deepEqual(await migrate(sql), [180]);
      assert.deepEqual(await ruleNames(sql), ["every plant", "meter", "plant", "ven"]);
      await sql`delete from plants where id = ${plant}`;
      assert.deepEqual(
        await ruleNames(sql),
        ["every plant", "meter", "ven"],
        "and the triggers are in place",
      );
    }));
}
