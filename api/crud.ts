/**
 * REST resources over one table: `GET` (paged list with filters) and `POST` on the collection,
 * `GET`, `PUT`, `PATCH` and `DELETE` on an item. Every write is audited and, where the entity has an
 * actor (or belongs to a site's), the actor runtime is told.
 *
 * Query parameters are snake_case and equal to the column they filter; JSON bodies are camelCase.
 *
 * @example
 * ```ts
 * // routes/api/plants/index.ts
 * import { plants } from "../../../api/resources.ts";
 * export const { handler, openapi } = plants.collection;
 * ```
 * @module
 */
import { HttpError } from "fresh";
import { z } from "zod";
import type { ActorKind } from "../actors/runtime.ts";
import type { Services } from "../core/services.ts";
import type { Sql, Tx } from "../stores/postgres/client.ts";
import { type Page, paged, pageWindow, Paging, Uuid } from "../domain/common.ts";
import type { Role } from "../domain/user.ts";
import {
  deleteRow,
  type Entity,
  type Fragment,
  getRow,
  insertRow,
  listRows,
  type TableSpec,
  updateRow,
} from "../stores/postgres/repos/crud.ts";
import { audit } from "./audit.ts";
import { type Operation, operation, route } from "./operation.ts";
import { tellRuntime } from "./runtime.ts";

/** Which actor an entity's changes concern. */
export interface ActorLink {
  kind: ActorKind;
  /** The actor's id for a row (its own id, or its site's). */
  id: (row: Entity) => unknown;
  /** Whether the actor is the entity's own (deleted with it) rather than a parent's (reloaded). */
  owns: boolean;
}

/** How a resource is declared. */
export interface ResourceSpec {
  /** Entity kind, singular, for the audit log and messages: `plant`. */
  entity: string;
  /** OpenAPI tag: `Plants`. */
  tag: string;
  table: TableSpec;
  /** The entity as returned. */
  schema: z.ZodObject;
  /** The body of create and `PUT`. */
  input: z.ZodType;
  /** The body of `PATCH`. @default {input.partial()} */
  patch?: z.ZodType;
  /** List filters: query parameter (= column) -> schema. */
  filters?: Record<string, z.ZodType>;
  /**
   * The condition of each list filter that is no column of the table (e.g. the site of a row that
   * has only its assets' ids): query parameter -> the `where` fragment for a given value.
   */
  conditions?: Record<string, (sql: Sql, value: unknown) => Fragment>;
  /** Least role that may write. @default {"operator"} */
  writeAccess?: Role;
  actor?: ActorLink;
  /**
   * Checks a row before it is committed against what the schemas cannot see: other tables, and for an
   * update the fields it keeps. Create passes the body, before its insert; an update the row after it.
   * Both run inside the write's transaction (a throw rolls it back), so a check that locks the rows it
   * relies on (`for key share` against their delete, `for share` against any change) keeps them as it
   * saw them until the commit.
   */
  check?(tx: Tx, row: Entity, before?: Entity): Promise<void>;
  /** Tells the actor runtime about a committed change when an `actor` link cannot name the actors. */
  tell?(services: Services, change: { before?: Entity; after?: Entity }): Promise<void>;
  /** Extra reads for `GET` on an item (e.g. `?include=`): the query and how to apply it. */
  expand?: {
    query: z.ZodObject;
    response: z.ZodType;
    apply(services: Services, row: Entity, query: Record<string, unknown>): Promise<Entity>;
  };
  /** Name of the item route's path parameter. @default {"id"} */
  idParam?: string;
}

/** The operations of a resource, and its two routes made of them. */
export interface Resource {
  ops: {
    list: Operation;
    create: Operation;
    get: Operation;
    put: Operation;
    patch: Operation;
    delete: Operation;
  };
  collection: ReturnType<typeof route>;
  item: ReturnType<typeof route>;
  /** Loads one row or answers 404; for routes nested under the item. */
  load(services: Services, id: string): Promise<Entity>;
}

/** A 404 for an entity. */
export function notFound(entity: string, id: string): HttpError {
  return new HttpError(404, `No ${entity.replaceAll("_", " ")} with id ${id}`);
}

/** What the operations of one resource share. */
interface Shared {
  spec: ResourceSpec;
  name: string;
  tags: string[];
  idParam: string;
  params: z.ZodObject;
  writeAccess: Role;
  load(services: Services, id: string): Promise<Entity>;
}

const idOf = (shared: Shared, params: unknown) => (params as Record<string, string>)[shared.idParam];

function listOperation({ spec, name, tags }: Shared): Operation {
  return operation({
    tags,
    summary: `List ${name}s`,
    query: z.strictObject({ ...Paging.shape, ...spec.filters }),
    response: paged(spec.schema, `${spec.schema.meta()?.id}Page`),
  }, async ({ services, query }): Promise<Page<Entity>> => {
    const { page, page_size, ...filters } = query as Paging & Record<string, unknown>;
    const equals: Record<string, unknown> = {};
    const extra: Fragment[] = [];
    for (const [name, value] of Object.entries(filters)) {
      const condition = spec.conditions?.[name];
      if (!condition) equals[name] = value;
      else if (value !== undefined) extra.push(condition(services.sql, value));
    }
    const result = await listRows(services.sql, spec.table, {
      equals,
      extra,
      ...pageWindow({ page, page_size }),
    });
    return { ...result, page, pageSize: page_size };
  });
}

function createOperation({ spec, name, tags, writeAccess }: Shared): Operation {
  return operation({
    tags,
    summary: `Create a ${name}`,
    access: writeAccess,
    body: spec.input,
    response: spec.schema,
    status: 201,
    problems: [409, 422],
  }, async ({ services, user, body }) => {
    const row = await insertRow(services.sql, spec.table, body as Entity, spec.check);
    await afterWrite(services, spec, "create", { after: row }, user);
    return row;
  });
}

function getOperation(shared: Shared): Operation {
  const { spec, name, tags, params } = shared;
  return operation({
    tags,
    summary: `Get a ${name}`,
    params,
    query: spec.expand?.query,
    response: spec.expand?.response ?? spec.schema,
    problems: [404],
  }, async ({ services, params, query }) => {
    const row = await shared.load(services, idOf(shared, params));
    return spec.expand ? await spec.expand.apply(services, row, query as Record<string, unknown>) : row;
  });
}

function updateOperation(shared: Shared, body: z.ZodType, summary: string): Operation {
  const { spec, tags, params, writeAccess } = shared;
  return operation({
    tags,
    summary,
    access: writeAccess,
    params,
    body,
    response: spec.schema,
    problems: [404, 409, 422],
  }, async ({ services, user, params, body }) => {
    const id = idOf(shared, params);
    const changed = await updateRow(services.sql, spec.table, id, body as Entity, spec.check);
    if (!changed) throw notFound(spec.entity, id);
    await afterWrite(services, spec, "update", changed, user);
    return changed.after;
  });
}

function deleteOperation(shared: Shared): Operation {
  const { spec, name, tags, params, writeAccess } = shared;
  return operation(
    { tags, summary: `Delete a ${name}`, access: writeAccess, params, problems: [404, 409] },
    async ({ services, user, params }) => {
      const id = idOf(shared, params);
      const row = await deleteRow(services.sql, spec.table, id);
      if (!row) throw notFound(spec.entity, id);
      await afterWrite(services, spec, "delete", { before: row }, user);
    },
  );
}

/** Builds the routes of a resource. */
export function resource(spec: ResourceSpec): Resource {
  const idParam = spec.idParam ?? "id";
  const shared: Shared = {
    spec,
    name: spec.entity.replaceAll("_", " "),
    tags: [spec.tag],
    idParam,
    params: z.strictObject({ [idParam]: Uuid }),
    writeAccess: spec.writeAccess ?? "operator",
    load: async (services, id) => {
      const row = await getRow(services.sql, spec.table, id);
      if (!row) throw notFound(spec.entity, id);
      return row;
    },
  };
  const patch = spec.patch ?? (spec.input as z.ZodObject).partial();
  const ops = {
    list: listOperation(shared),
    create: createOperation(shared),
    get: getOperation(shared),
    put: updateOperation(
      shared,
      spec.input,
      `Update a ${shared.name} with a complete body (optional fields left out keep their values)`,
    ),
    patch: updateOperation(shared, patch, `Update some fields of a ${shared.name}`),
    delete: deleteOperation(shared),
  };
  return {
    ops,
    collection: route({ GET: ops.list, POST: ops.create }),
    item: route({ GET: ops.get, PUT: ops.put, PATCH: ops.patch, DELETE: ops.delete }),
    load: shared.load,
  };
}

async function afterWrite(
  services: Services,
  spec: ResourceSpec,
  action: "create" | "update" | "delete",
  change: { before?: Entity; after?: Entity },
  user: Parameters<typeof audit>[1],
): Promise<void> {
  const entityId = (change.after?.id ?? change.before?.id) as string;
  await audit(services, user, { action, entity: spec.entity, entityId, ...change });
  await spec.tell?.(services, change);
  const link = spec.actor;
  if (!link) return;
  const ids = [change.before, change.after].filter((r): r is Entity => !!r).map(link.id);
  await tellRuntime(services, action === "delete" && link.owns ? "remove" : "upsert", link.kind, ids);
}
