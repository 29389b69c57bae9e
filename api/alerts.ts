/**
 * Operator actions on alerts: acknowledge and resolve. Each moves the alert along its lifecycle in
 * PostgreSQL, audits the change, tells the actor that raised it (so its detector state agrees) and
 * announces the change on the change channel for live pages.
 * @module
 */
import { HttpError } from "fresh";
import { z } from "zod";
import type { ActorKind } from "../actors/runtime.ts";
import { Alert, AlertActionInput, type AlertSummary } from "../domain/alert.ts";
import { Uuid } from "../domain/common.ts";
import type { ChangeEvent } from "../domain/live.ts";
import { CHANGES_CHANNEL } from "../stores/cache/cache.ts";
import { type AlertAction, transitionAlert, unresolvedAlertCounts } from "../stores/postgres/repos/alerts.ts";
import type { Entity } from "../stores/postgres/repos/crud.ts";
import type { Services } from "../core/services.ts";
import { audit } from "./audit.ts";
import { notFound } from "./crud.ts";
import { operation, route } from "./operation.ts";
import { notifyActor } from "./runtime.ts";

const PAST: Record<AlertAction, string> = { acknowledge: "acknowledged", resolve: "resolved" };

/** The actor that owns an alert: meters' alerts belong to their site's actor. */
function owner(alert: Entity): { kind: ActorKind; id: string } | undefined {
  const kind = alert.entityKind as string;
  if (kind === "meter") return alert.siteId ? { kind: "site", id: alert.siteId as string } : undefined;
  return { kind: kind as ActorKind, id: alert.entityId as string };
}

async function announce(services: Services, alert: Entity, type: string): Promise<void> {
  const event: ChangeEvent = {
    kind: "alert",
    id: alert.id as string,
    type,
    ts: new Date().toISOString(),
    entityKind: alert.entityKind as ChangeEvent["entityKind"],
    entityId: alert.entityId as string,
    data: alert,
  };
  try {
    await services.cache.publish(CHANGES_CHANNEL, event);
  } catch (error) {
    services.log.warn("alert change not announced", { alertId: alert.id, error });
  }
}

/** The route of `POST /api/alerts/{id}/{action}`. */
export function alertActionRoute(action: AlertAction) {
  return route({
    POST: operation({
      summary: action === "acknowledge"
        ? "Acknowledge an open alert"
        : "Resolve an open or acknowledged alert",
      tags: ["Alerts"],
      access: "operator",
      params: z.strictObject({ id: Uuid }),
      body: AlertActionInput,
      bodyOptional: true,
      response: Alert,
      problems: [404, 409],
    }, async ({ services, user, params, body }) => {
      const result = await transitionAlert(services.sql, params.id, action, user.username, body.note);
      if (!result) throw notFound("alert", params.id);
      if ("conflict" in result) {
        throw new HttpError(
          409,
          `Alert ${params.id} is ${result.conflict.state}; it cannot be ${PAST[action]}`,
        );
      }
      await audit(services, user, { action, entity: "alert", entityId: params.id, ...result });
      const actor = owner(result.after);
      if (actor) {
        await notifyActor(services, actor.kind, actor.id, {
          type: `alert.${PAST[action]}`,
          alertId: params.id,
          by: user.username,
        });
      }
      await announce(services, result.after, `alert.${PAST[action]}`);
      return result.after;
    }),
  });
}

/** Unresolved alerts counted by severity and by state. */
export async function alertSummary(services: Services): Promise<AlertSummary> {
  const out: AlertSummary = {
    unresolved: 0,
    bySeverity: { critical: 0, warning: 0, info: 0 },
    byState: { open: 0, acknowledged: 0 },
    ts: new Date().toISOString(),
  };
  for (const row of await unresolvedAlertCounts(services.sql)) {
    out.unresolved += row.count;
    out.bySeverity[row.severity as keyof AlertSummary["bySeverity"]] += row.count;
    out.byState[row.state as keyof AlertSummary["byState"]] += row.count;
  }
  return out;
}
