/**
 * Lists and records over the documents store (seed 000's MongoDB collections): audit, market signals,
 * dispatch log. Same paging as every other list; filters are equality on top-level fields.
 * @module
 */
import type { Services } from "../core/services.ts";
import type { Page, Paging } from "../domain/common.ts";
import type { CollectionName, Document } from "../stores/documents/documents.ts";

/** One page of a collection, newest first, within `[from, to)`. */
export async function documentPage(
  services: Services,
  collection: CollectionName,
  query: { where: Record<string, string | undefined>; from?: Date; to?: Date; paging: Paging },
): Promise<Page<Record<string, unknown>>> {
  const where = Object.fromEntries(Object.entries(query.where).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
  const { page, page_size } = query.paging;
  const range = { where, from: query.from, to: query.to };
  const [docs, total] = await Promise.all([
    services.documents.find(collection, { ...range, limit: page_size, offset: (page - 1) * page_size }),
    services.documents.count(collection, range),
  ]);
  return { items: docs.map(toJson), page, pageSize: page_size, total };
}

/** A document as the API returns it: the store's `expiresAt` is internal. */
function toJson({ expiresAt: _, ...doc }: Document): Record<string, unknown> {
  return doc;
}
