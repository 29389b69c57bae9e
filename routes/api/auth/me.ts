/** `GET /api/auth/me`: who the token speaks for. */
import { z } from "zod";
import { ROLES } from "../../../domain/user.ts";
import { Uuid } from "../../../domain/common.ts";
import { operation, route } from "../../../api/operation.ts";

export const { handler, openapi } = route({
  GET: operation({
    summary: "The signed-in user",
    tags: ["Auth"],
    response: z.object({ id: Uuid, username: z.string(), role: z.enum(ROLES) }).meta({ id: "Me" }),
  }, ({ user }) => user),
});
