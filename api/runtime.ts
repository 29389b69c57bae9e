/**
 * Telling the actor runtime about entity changes. A change is committed before the runtime hears of
 * it; if the runtime fails to take it, the actor picks the change up when it next loads, so the
 * request still succeeds and the failure is logged.
 * @module
 */
import type { ActorKind } from "../actors/runtime.ts";
import type { Services } from "../core/services.ts";

/** Calls `runtime.upsert` or `runtime.remove` for each distinct id (nulls skipped). */
export async function tellRuntime(
  services: Services,
  change: "upsert" | "remove",
  kind: ActorKind,
  ids: ReadonlyArray<unknown>,
): Promise<void> {
  const runtime = services.runtime;
  if (!runtime) return;
  for (const id of new Set(ids.filter((id): id is string => typeof id === "string"))) {
    try {
      await (change === "upsert" ? runtime.upsert(kind, id) : runtime.remove(kind, id));
    } catch (error) {
      services.log.warn("actor runtime did not take an entity change", { kind, id, change, error });
    }
  }
}

/** Calls `runtime.reconfigure` for a change that applies to every actor of `kind`, logging a failure. */
export async function reconfigureKind(services: Services, kind: ActorKind): Promise<void> {
  try {
    await services.runtime?.reconfigure(kind);
  } catch (error) {
    services.log.warn("actor runtime did not take a change to every actor of a kind", { kind, error });
  }
}

/** Delivers a command to an actor, logging (not throwing) when the runtime refuses it. */
export async function notifyActor(
  services: Services,
  kind: ActorKind,
  id: string,
  command: { type: string; [field: string]: unknown },
): Promise<void> {
  try {
    await services.runtime?.notify(kind, id, command);
  } catch (error) {
    services.log.warn("actor runtime did not take a command", { kind, id, type: command.type, error });
  }
}
