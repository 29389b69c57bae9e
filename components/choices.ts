/**
 * Names of the entities forms and tables refer to (server only): a form's selects, a table's names
 * for ids. One query each, bounded.
 * @module
 */
import type { Sql } from "../stores/postgres/client.ts";

/** An entity's id and display name. */
export interface Choice {
  id: string;
  name: string;
}

/** The sites, by name. */
export async function siteChoices(sql: Sql): Promise<Choice[]> {
  return [...await sql<Choice[]>`select id, name from sites order by name limit 1000`];
}

/** The plants, by name. */
export async function plantChoices(sql: Sql): Promise<Choice[]> {
  return [...await sql<Choice[]>`select id, name from plants order by name limit 1000`];
}

/** The VENs, by name. */
export async function venChoices(sql: Sql): Promise<Choice[]> {
  return [
    ...await sql<Choice[]>`
    select id, coalesce(display_name, ven_name) as name from vens order by 2 limit 1000`,
  ];
}

/** The meters, as `site · meter`, by that name. */
export async function meterChoices(sql: Sql): Promise<Choice[]> {
  return [
    ...await sql<Choice[]>`
    select m.id, s.name || ' · ' || m.name as name from meters m join sites s on s.id = m.site_id
    order by 2 limit 1000`,
  ];
}

/** `[id, name]` options for a select, with a first "none" option. */
export function options(choices: Choice[], none: string): [string, string][] {
  return [["", none], ...choices.map((c): [string, string] => [c.id, c.name])];
}

/** An input's value for a field: empty for null. */
export function inputValue(value: unknown): string {
  return value === null || value === undefined ? "" : String(value);
}

/** `<input type="datetime-local">`'s value for a time, in UTC (the pages' zone). */
export function utcInput(value: unknown): string {
  if (value === null || value === undefined) return "";
  const date = value instanceof Date ? value : new Date(typeof value === "number" ? value : String(value));
  return Number.isNaN(date.getTime()) ? "" : date.toISOString().slice(0, 16);
}

/** Display names of everything an alert can be about (plants, VENs, sites, meters), by id. */
export async function entityNames(sql: Sql): Promise<Record<string, string>> {
  const rows = await sql<Choice[]>`
    select id, name from plants
    union all select id, coalesce(display_name, ven_name) from vens
    union all select id, name from sites
    union all select m.id, s.name || ' · ' || m.name from meters m join sites s on s.id = m.site_id
    limit 20000`;
  return Object.fromEntries(rows.map((r) => [r.id, r.name]));
}
