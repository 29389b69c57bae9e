/**
 * The audit log: every create, update, delete (and operator action such as acknowledging an alert)
 * writes who did what to which entity, with the entity before and after, to the documents store's
 * `audit` collection.
 * @module
 */
import type { AuthUser } from "../auth/tokens.ts";
import type { Services } from "../core/services.ts";

/** One change to record. */
export interface AuditRecord {
  /** `create`, `update`, `delete`, or an action such as `acknowledge`. */
  action: string;
  /** The entity kind, e.g. `plant`. */
  entity: string;
  entityId: string | null;
  before?: unknown;
  after?: unknown;
}

/** Plain JSON (Dates as ISO strings), so both document backends store the same thing. */
function plain(value: unknown): Record<string, unknown> | null {
  return value === undefined || value === null ? null : JSON.parse(JSON.stringify(value));
}

/**
 * Writes an audit document. The change it records has already been committed, so a documents store
 * that fails here must not turn the request into an error: the record goes to the error log instead,
 * where it is not lost.
 */
export async function audit(
  services: Services,
  user: AuthUser | undefined,
  record: AuditRecord,
): Promise<void> {
  const doc = {
    timestamp: new Date(),
    action: record.action,
    userId: user?.id ?? null,
    username: user?.username ?? null,
    entity: record.entity,
    entityId: record.entityId,
    before: plain(record.before),
    after: plain(record.after),
  };
  try {
    await services.documents.insert("audit", [doc]);
  } catch (error) {
    services.log.error("audit record not stored", { error, audit: doc });
  }
}
