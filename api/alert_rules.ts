/**
 * What `/api/alert-rules` needs beyond a plain table resource: the check of a rule's entity (the column
 * is polymorphic, so no foreign key guards it; migration 0180's triggers delete an entity's rules with
 * it), and which actors a committed change reconfigures.
 *
 * A rule reaches the actors that judge it: a plant's or VEN's own actor, the site actor of a meter, or,
 * with no `entityId`, every actor of that kind (`runtime.reconfigure`). The reconfigured actors load the
 * enabled rules again (`actors/rule_rows.ts`); an open ThresholdExceeded alert of a rule they no longer
 * have (deleted, disabled, moved to another entity) is resolved by them on the spot, as the reconciler's
 * pass did before (each kind's `onConfigure`). A changed threshold leaves an open alert open until a
 * reading within the new limit clears it.
 * @module
 */
import { HttpError } from "fresh";
import { ValidationError } from "../core/errors.ts";
import type { Services } from "../core/services.ts";
import { metricProblem, type RuleEntityKind } from "../domain/alert_rule.ts";
import type { ActorKind } from "../actors/runtime.ts";
import type { Tx } from "../stores/postgres/client.ts";
import type { Entity } from "../stores/postgres/repos/crud.ts";
import { reconfigureKind, tellRuntime } from "./runtime.ts";

const TABLES: Record<RuleEntityKind, string> = { plant: "plants", ven: "vens", meter: "meters" };
const ACTOR_KINDS: Record<RuleEntityKind, ActorKind> = { plant: "plant", ven: "ven", meter: "site" };

/**
 * Refuses a rule whose metric its kind never reports (400 on `metric`) or whose entity does not exist
 * (422 on `entityId`, as a missing foreign key is). An update is judged on what it changes.
 *
 * Runs in the transaction that writes the rule, and locks the entity it found (`for key share`): a
 * delete of the entity waits for the rule's commit, and then deletes the rule with the entity (migration
 * 0180's triggers); a delete that came first makes this find nothing once it commits. Either way no rule
 * is left naming an entity that is gone.
 */
export async function checkAlertRule(tx: Tx, row: Entity, before?: Entity): Promise<void> {
  const kind = row.entityKind as RuleEntityKind;
  const sameKind = before?.entityKind === kind;
  if (!sameKind || before?.metric !== row.metric) {
    const problem = metricProblem(kind, row.metric as string);
    if (problem) {
      throw new ValidationError(`Invalid body: metric ${problem}`, [{ field: "metric", message: problem }]);
    }
  }
  const entityId = row.entityId as string | null | undefined;
  if (!entityId || (sameKind && before?.entityId === entityId)) return;
  const [found] = await tx`select 1 from ${tx(TABLES[kind])} where id = ${entityId} for key share`;
  if (found) return;
  throw new HttpError(422, `No ${kind} with id ${entityId}: entityId must name an existing ${kind}`, {
    extra: { errors: [{ field: "entityId", message: `refers to no existing ${kind}` }] },
  });
}

/**
 * After a rule was created, changed or deleted: reconfigures the actors of each version of it that was
 * enabled (a rule disabled before and after changes no actor's configuration).
 */
export async function tellAlertRuleActors(
  services: Services,
  change: { before?: Entity; after?: Entity },
): Promise<void> {
  const everyActor = new Set<ActorKind>();
  const one: { kind: ActorKind; id: string }[] = [];
  for (const row of [change.before, change.after]) {
    if (!row?.enabled) continue;
    const kind = row.entityKind as RuleEntityKind;
    const entityId = row.entityId as string | null;
    if (entityId === null) everyActor.add(ACTOR_KINDS[kind]);
    else if (kind !== "meter") one.push({ kind, id: entityId });
    else {
      const siteId = await meterSite(services, entityId);
      if (siteId) one.push({ kind: "site", id: siteId });
    }
  }
  for (const kind of everyActor) await reconfigureKind(services, kind);
  for (const kind of new Set(one.map((target) => target.kind))) {
    if (everyActor.has(kind)) continue;
    await tellRuntime(services, "upsert", kind, one.filter((t) => t.kind === kind).map((t) => t.id));
  }
}

/** The site of a meter (its actor judges the meter's rules); undefined when the meter is gone. */
async function meterSite(services: Services, meterId: string): Promise<string | undefined> {
  try {
    const [row] = await services.sql<{ site_id: string }[]>`select site_id from meters where id = ${meterId}`;
    return row?.site_id;
  } catch (error) {
    // the rule is committed: the reconciler's next pass brings it to the site's actor
    services.log.warn("could not find the site of a rule's meter", { meterId, error });
    return undefined;
  }
}
