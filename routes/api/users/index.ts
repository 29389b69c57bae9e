/** `/api/users` (admin): list and create users. */
import { z } from "zod";
import { paged, pageWindow, Paging } from "../../../domain/common.ts";
import { User, UserInput } from "../../../domain/user.ts";
import { hashPassword } from "../../../auth/passwords.ts";
import { insertUser, listUsers } from "../../../stores/postgres/repos/users.ts";
import { audit } from "../../../api/audit.ts";
import { operation, route } from "../../../api/operation.ts";

export const { handler, openapi } = route({
  GET: operation({
    summary: "List users",
    tags: ["Users"],
    access: "admin",
    query: z.strictObject(Paging.shape),
    response: paged(User, "UserPage"),
  }, async ({ services, query }) => {
    const { page, page_size } = query;
    return { ...await listUsers(services.sql, pageWindow({ page, page_size })), page, pageSize: page_size };
  }),
  POST: operation({
    summary: "Create a user",
    tags: ["Users"],
    access: "admin",
    body: UserInput,
    response: User,
    status: 201,
    problems: [409],
  }, async ({ services, user, body }) => {
    const created = await insertUser(services.sql, {
      username: body.username,
      passwordHash: await hashPassword(body.password),
      role: body.role,
      active: body.active,
    });
    await audit(services, user, { action: "create", entity: "user", entityId: created.id, after: created });
    return created;
  }),
});
