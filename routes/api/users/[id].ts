/** `/api/users/{id}` (admin): get, change (password, role, active) or delete a user. */
import { HttpError } from "fresh";
import { z } from "zod";
import { Uuid } from "../../../domain/common.ts";
import { User, UserPatch } from "../../../domain/user.ts";
import { hashPassword } from "../../../auth/passwords.ts";
import { sessionsEnded } from "../../../auth/sessions.ts";
import type { Services } from "../../../core/services.ts";
import { activeAdmins, deleteUser, updateUser, userById } from "../../../stores/postgres/repos/users.ts";
import { audit } from "../../../api/audit.ts";
import { notFound } from "../../../api/crud.ts";
import { operation, route } from "../../../api/operation.ts";

const params = z.strictObject({ id: Uuid });

/** Refuses a change that would leave no active admin (nobody could manage users any more). */
async function keepAnAdmin(services: Services, id: string, losesAdmin: boolean): Promise<void> {
  if (!losesAdmin) return;
  const target = await userById(services.sql, id);
  if (target?.role === "admin" && target.active && await activeAdmins(services.sql) <= 1) {
    throw new HttpError(409, "This is the last active admin; make another admin first");
  }
}

export const { handler, openapi } = route({
  GET: operation({
    summary: "Get a user",
    tags: ["Users"],
    access: "admin",
    params,
    response: User,
    problems: [404],
  }, async ({ services, params }) => {
    const found = await userById(services.sql, params.id);
    if (!found) throw notFound("user", params.id);
    return found;
  }),
  PATCH: operation({
    summary: "Change a user's password, role or state",
    description: "A new password, role or deactivation ends the user's sessions (refresh tokens).",
    tags: ["Users"],
    access: "admin",
    params,
    body: UserPatch,
    response: User,
    problems: [404, 409],
  }, async ({ services, user, params, body }) => {
    await keepAnAdmin(
      services,
      params.id,
      (body.role !== undefined && body.role !== "admin") || body.active === false,
    );
    const changed = await updateUser(services.sql, params.id, {
      passwordHash: body.password ? await hashPassword(body.password) : undefined,
      role: body.role,
      active: body.active,
    });
    if (!changed) throw notFound("user", params.id);
    sessionsEnded(services, changed.endedSessions);
    await audit(services, user, {
      action: "update",
      entity: "user",
      entityId: params.id,
      before: changed.before,
      after: changed.after,
    });
    return changed.after;
  }),
  DELETE: operation({
    summary: "Delete a user",
    tags: ["Users"],
    access: "admin",
    params,
    problems: [404, 409],
  }, async ({ services, user, params }) => {
    await keepAnAdmin(services, params.id, true);
    const deleted = await deleteUser(services.sql, params.id);
    if (!deleted) throw notFound("user", params.id);
    sessionsEnded(services, deleted.endedSessions);
    await audit(services, user, {
      action: "delete",
      entity: "user",
      entityId: params.id,
      before: deleted.user,
    });
  }),
});
