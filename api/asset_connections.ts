/**
 * What `/api/asset-connections` needs beyond a plain table resource: both assets of a connection must
 * exist, differ and belong to one site, and an asset with connections cannot move to another site.
 *
 * The schema (migration 0002) forbids only a connection of an asset to itself. That both ends share a
 * site follows from seed 001 and the demo data: assets are equipment of one site (Portfolio > Site >
 * Meter > Asset), every seeded connection is declared per site, and the table has no site of its own, so
 * a connection's site is its assets' site. Equipment of two sites is connected through the grid
 * (`grid_links`), not through an asset connection.
 * @module
 */
import { HttpError } from "fresh";
import type { Sql, Tx } from "../stores/postgres/client.ts";
import type { Entity, Fragment } from "../stores/postgres/repos/crud.ts";

/**
 * Refuses a connection of an asset to itself, one naming an asset that does not exist (as a missing
 * foreign key is) and one between assets of two sites, each with a 422 naming the field. An update is
 * judged on what it changes: a connection whose assets it keeps is not checked again.
 *
 * Runs in the transaction that writes the connection, and locks both assets (`for share`) until its
 * commit: neither can be deleted or moved to another site between this check and the write. A delete or
 * move that came first makes the check wait for it and judge what it left.
 */
export async function checkAssetConnection(tx: Tx, row: Entity, before?: Entity): Promise<void> {
  const from = row.fromAssetId as string;
  const to = row.toAssetId as string;
  if (before && before.fromAssetId === from && before.toAssetId === to) return;
  if (from === to) {
    // 422 like the table's CHECK, which answers first when an update makes a connection its own
    throw new HttpError(422, "An asset cannot be connected to itself", {
      extra: { errors: [{ field: "toAssetId", message: "must name another asset than fromAssetId" }] },
    });
  }
  const rows = await tx<{ id: string; site_id: string }[]>`
    select id, site_id from assets where id in (${from}, ${to}) order by id for share`;
  const siteOf = new Map(rows.map((r) => [r.id, r.site_id]));
  const missing = (["fromAssetId", "toAssetId"] as const).filter((field) =>
    !siteOf.has(row[field] as string)
  );
  if (missing.length > 0) {
    throw new HttpError(
      422,
      `No asset with id ${row[missing[0]]}: ${missing.join(" and ")} must name an asset`,
      {
        extra: { errors: missing.map((field) => ({ field, message: "refers to no existing asset" })) },
      },
    );
  }
  if (siteOf.get(from) !== siteOf.get(to)) {
    throw new HttpError(422, "The two assets belong to different sites: only assets of one site connect", {
      extra: { errors: [{ field: "toAssetId", message: "is an asset of another site than fromAssetId" }] },
    });
  }
}

/** The `site_id` list filter: connections from or to an asset of the site. */
export function connectionsOfSite(sql: Sql, siteId: unknown): Fragment {
  const assets = sql`select id from assets where site_id = ${siteId as string}`;
  return sql`(from_asset_id in (${assets}) or to_asset_id in (${assets}))`;
}

/**
 * Refuses to move an asset that has connections to another site (409): its connections would then join
 * two sites. Delete the connections first.
 */
export async function checkAssetMove(tx: Tx, row: Entity, before?: Entity): Promise<void> {
  if (!before || before.siteId === row.siteId) return;
  const [{ n }] = await tx<{ n: number }[]>`
    select count(*)::int as n from asset_connections where from_asset_id = ${row.id as string}
      or to_asset_id = ${row.id as string}`;
  if (n === 0) return;
  throw new HttpError(
    409,
    `The asset has ${n} connection${n === 1 ? "" : "s"} to assets of its site; delete ${
      n === 1 ? "it" : "them"
    } before moving the asset to another site`,
    { extra: { errors: [{ field: "siteId", message: "cannot change while the asset has connections" }] } },
  );
}
