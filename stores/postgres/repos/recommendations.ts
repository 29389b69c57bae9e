/**
 * Recommendations beyond the generic table access: the generator's writes, keyed by site, asset and rule
 * (migration 0190's unique index), and the list a site's page shows.
 * @module
 */
import type { Sql, Tx } from "../client.ts";
import { type Entity, fromRow } from "./crud.ts";

/** What the generator writes for one finding. */
export interface GeneratedRow {
  siteId: string;
  assetId: string | null;
  rule: string;
  title: string;
  description: string;
  recommendationType: string;
  priority: string;
  estimatedSavingsEur: number | null;
  investmentEur: number | null;
  roiPercent: number | null;
  paybackMonths: number | null;
  carbonReductionKg: number | null;
  metadata: Record<string, unknown>;
}

/** The generated recommendations of a site, locked until the transaction ends. */
export async function generatedRecommendations(tx: Tx, siteId: string): Promise<Entity[]> {
  const rows =
    await tx`select * from recommendations where site_id = ${siteId} and rule is not null for update`;
  return rows.map(fromRow);
}

/**
 * Inserts the open recommendation of the row's site, asset and rule, or updates it with the row's figures
 * (and makes it active again). One a user has decided on (any status but `open`) is not touched: then
 * nothing is returned.
 */
export async function upsertGenerated(tx: Tx, row: GeneratedRow): Promise<Entity | undefined> {
  const [out] = await tx`
    insert into recommendations (site_id, asset_id, rule, title, description, recommendation_type, priority,
      estimated_savings_eur, investment_eur, roi_percent, payback_months, carbon_reduction_kg, metadata)
    values (${row.siteId}, ${row.assetId}, ${row.rule}, ${row.title}, ${row.description},
      ${row.recommendationType}, ${row.priority}, ${row.estimatedSavingsEur}, ${row.investmentEur},
      ${row.roiPercent}, ${row.paybackMonths}, ${row.carbonReductionKg}, ${tx.json(row.metadata as never)})
    on conflict (site_id, coalesce(asset_id, '00000000-0000-0000-0000-000000000000'::uuid), rule)
      where rule is not null
    do update set title = excluded.title, description = excluded.description,
      recommendation_type = excluded.recommendation_type, priority = excluded.priority,
      estimated_savings_eur = excluded.estimated_savings_eur, investment_eur = excluded.investment_eur,
      roi_percent = excluded.roi_percent, payback_months = excluded.payback_months,
      carbon_reduction_kg = excluded.carbon_reduction_kg, metadata = excluded.metadata, active = true,
      updated_at = now()
    where recommendations.status = 'open'
    returning *`;
  return out ? fromRow(out) : undefined;
}

/** Sets an open generated recommendation inactive, with why in `metadata.withdrawn`. */
export async function withdrawGenerated(
  tx: Tx,
  id: string,
  reason: string,
  at: Date,
): Promise<Entity | undefined> {
  const [out] = await tx`
    update recommendations
    set active = false, updated_at = now(),
      metadata = metadata || ${tx.json({ withdrawn: { at: at.toISOString(), reason } } as never)}
    where id = ${id} and status = 'open' and active
    returning *`;
  return out ? fromRow(out) : undefined;
}

/** The active recommendations of a site: open ones first, then by priority and yearly savings. */
export async function siteRecommendations(sql: Sql, siteId: string, limit = 20): Promise<Entity[]> {
  const rows = await sql`
    select * from recommendations where site_id = ${siteId} and active
    order by status = 'open' desc,
      case priority when 'high' then 0 when 'medium' then 1 else 2 end,
      estimated_savings_eur desc nulls last, created_at desc
    limit ${limit}`;
  return rows.map(fromRow);
}
