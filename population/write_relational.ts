/**
 * Writes the relational part of the seed besides the site hierarchy (`write_hierarchy.ts`): plants,
 * offers, VENs, the ADR program, users and alert rules. Every row is an upsert by its natural key (plants.name, portfolios.name,
 * sites (portfolio_id, name), meters (site_id, name), vens.ven_name...) or by a stable id derived from it,
 * and returns the ids actually stored, so a row created earlier by the app under the same name is
 * updated rather than duplicated.
 * @module
 */
import bcrypt from "bcryptjs";
import type { Tx } from "../stores/postgres/client.ts";
import { ADR_PROGRAM, PLANTS, VENS } from "./catalog.ts";
import { stableId } from "./ids.ts";
import { type AdrEventPlan, intervals } from "./adr.ts";
import { ALERT_RULES, type OfferPlan } from "./offers.ts";

import { byKey, type Row, upsert } from "./upsert.ts";

/** The ids stored for the seeded entities, by natural key. */
export interface SeedIds {
  portfolio: string;
  sites: Record<string, string>;
  /** By `site/meter`. */
  meters: Record<string, string>;
  /** By `site/asset`. */
  assets: Record<string, string>;
  plants: Record<string, string>;
  vens: Record<string, string>;
  program: string;
}

/** Plants and flexibility offers. */
export async function writePlants(
  tx: Tx,
  ns: string,
  sites: Record<string, string>,
  end: number,
  offers: OfferPlan[],
) {
  const plantRows = await upsert(
    tx,
    "plants",
    PLANTS.map((p) => ({
      id: stableId(ns, "plant", p.name),
      name: p.name,
      asset_type: p.type,
      capacity_mw: p.capacityMw,
      status: p.status,
      registered_at: new Date(end - (300 + p.name.length * 7) * 86_400_000),
      site_id: p.site ? sites[p.site] : null,
      expected_interval_s: 60,
      detection: { spikeFactor: 3, baselineWindow: 15, gapFactor: 3 },
      latitude: p.lat,
      longitude: p.lon,
      metadata: { operator: "Northwind Generation", gridNode: `NW-${p.type.toUpperCase()}` },
    })),
    ["name"],
  );
  const plants = byKey(plantRows, (r) => String(r.name));
  const offerRows = await upsert(
    tx,
    "flexibility_offers",
    offers.map((o) => ({
      id: o.id,
      name: o.name,
      status: o.status,
      created_at: new Date(o.createdAt),
      plant_id: plants[o.plant],
      direction: o.direction,
      volume_mw: o.volumeMw,
      price_eur_mwh: o.priceEurMwh,
      delivery_start: new Date(o.deliveryStart),
      delivery_end: new Date(o.deliveryEnd),
      market: o.market,
      metadata: { source: "seed" },
    })),
    ["id"],
  );
  return { plants, rows: plantRows.length + offerRows.length };
}

/** VENs and loads, the ADR program, its events and each targeted VEN's participation row. */
export async function writeVens(
  tx: Tx,
  ns: string,
  sites: Record<string, string>,
  events: AdrEventPlan[],
  lastSeen: Record<string, number>,
) {
  const venRows = await upsert(
    tx,
    "vens",
    VENS.map((v) => ({
      id: stableId(ns, "ven", v.name),
      ven_name: v.name,
      display_name: v.display,
      site_id: sites[v.site],
      groups: v.groups,
      status: "online",
      expected_interval_s: 60,
      last_seen_at: new Date(lastSeen[v.name]),
      metadata: { protocol: "OpenADR 3.0", firmware: "2.4.1" },
    })),
    ["ven_name"],
  );
  const vens = byKey(venRows, (r) => String(r.ven_name));
  const loads = await upsert(
    tx,
    "ven_loads",
    VENS.flatMap((v) =>
      v.loads.map((l) => ({
        id: stableId(ns, "ven_load", v.name, l.id),
        ven_id: vens[v.name],
        load_id: l.id,
        load_type: l.type,
        name: l.name,
        capacity_kw: l.capacityKw,
        shed_capable_kw: l.shedKw,
      }))
    ),
    ["ven_id", "load_id"],
  );
  const program = await writeAdrProgram(tx, ns, vens, events);
  return { vens, program, rows: venRows.length + loads.length + 1 + events.length };
}

/** The ADR program and its events, targets resolved to the stored VEN ids. */
async function writeAdrProgram(
  tx: Tx,
  ns: string,
  vens: Record<string, string>,
  events: AdrEventPlan[],
): Promise<string> {
  const [program] = await upsert(tx, "adr_programs", [{
    id: stableId(ns, "adr_program", ADR_PROGRAM.name),
    program_name: ADR_PROGRAM.name,
    program_long_name: ADR_PROGRAM.longName,
    program_type: ADR_PROGRAM.type,
    retailer_name: ADR_PROGRAM.retailer,
    payload_descriptors: tx.json(ADR_PROGRAM.payloadDescriptors),
  }], ["program_name"]);
  await upsert(
    tx,
    "adr_events",
    events.map((e) => ({
      id: e.id,
      program_id: program.id,
      event_name: e.name,
      priority: e.priority,
      status: e.status,
      start_at: new Date(e.start),
      duration_s: e.durationS,
      intervals: tx.json(intervals(e)),
      targets: { venIds: e.targets.venNames.map((n) => vens[n]), groups: e.targets.groups },
      created_by: "admin",
      created_at: new Date((e.notifiedAt ?? e.start) - 300_000),
      cancelled_at: e.cancelledAt ? new Date(e.cancelledAt) : null,
    })),
    ["id"],
  );
  return String(program.id);
}

/** Users: an admin when `adminPassword` is given; viewer and operator demo users only with `demoPassword`. */
export async function writeUsers(
  tx: Tx,
  ns: string,
  passwords: { admin?: string; demo?: string },
): Promise<number> {
  const users: Row[] = [];
  const add = (username: string, role: string, password: string) =>
    users.push({
      id: stableId(ns, "user", username),
      username,
      role,
      password_hash: bcrypt.hashSync(password, 10),
    });
  if (passwords.admin) add("admin", "admin", passwords.admin);
  if (passwords.demo) {
    add("operator", "operator", passwords.demo);
    add("viewer", "viewer", passwords.demo);
  }
  // An existing user keeps its password: re-seeding never resets a password someone changed.
  return (await upsert(tx, "users", users, ["username"], { update: false })).length;
}

/** Alert rules, bound to seeded entities by natural key. */
export async function writeAlertRules(
  tx: Tx,
  ns: string,
  ids: { plants: Record<string, string>; meters: Record<string, string> },
) {
  const rows = ALERT_RULES.map(([name, kind, key, metric, comparator, threshold, duration, severity]) => ({
    id: stableId(ns, "alert_rule", name),
    name,
    entity_kind: kind,
    entity_id: key === null ? null : kind === "plant" ? ids.plants[key] : ids.meters[key],
    metric,
    comparator,
    threshold,
    duration_s: duration,
    severity,
  }));
  return (await upsert(tx, "alert_rules", rows, ["id"])).length;
}
