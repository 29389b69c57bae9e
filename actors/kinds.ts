/**
 * The registry of actor kinds: one line per kind. Worker hosts use the behaviours, the main isolate
 * the catalogs and sinks. A kind that is not listed has no actors (its topics go to the catch-all
 * session and are recorded as rejected).
 * @module
 */
import type { ActorKind } from "./runtime.ts";
import type { KindModule } from "./kind.ts";
import type { Sink } from "./sink.ts";
import { plantKind } from "./plant/mod.ts";
import { alertsSink } from "./sinks/alerts.ts";
import { rollupsSink } from "./sinks/rollups.ts";
import { snapshotsSink } from "./sinks/snapshots.ts";

// deno-lint-ignore no-explicit-any
type AnyKind = KindModule<any, any, any>;

/** Every kind with actors. */
export const KINDS: Partial<Record<ActorKind, AnyKind>> = {
  plant: plantKind,
};

/** The registered kinds as a list. */
export function kindModules(): AnyKind[] {
  return Object.values(KINDS).filter((k): k is AnyKind => k !== undefined);
}

/** The kind module of `kind`; throws for a kind without actors. */
export function kindModule(kind: ActorKind): AnyKind {
  const module = KINDS[kind];
  if (!module) throw new RangeError(`No actor kind ${kind} is registered`);
  return module;
}

/**
 * Every sink in write order: the kinds' own tables first (readings), then the shared ones; rollups
 * after readings because an inexact bucket is recomputed from the readings written just before.
 */
export function allSinks(): Sink[] {
  const kinds = kindModules();
  return [
    ...kinds.flatMap((k) => k.catalog.sinks),
    alertsSink,
    rollupsSink(kinds.flatMap((k) => (k.catalog.rollupSource ? [k.catalog.rollupSource] : []))),
    snapshotsSink,
  ];
}
