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
import { siteKind } from "./site/mod.ts";
import { venKind } from "./ven/mod.ts";
import { alertsSink } from "./sinks/alerts.ts";
import { type RollupSource, rollupsSink } from "./sinks/rollups.ts";
import { snapshotsSink } from "./sinks/snapshots.ts";

// deno-lint-ignore no-explicit-any
type AnyKind = KindModule<any, any, any>;

/** Every kind with actors. */
export const KINDS: Partial<Record<ActorKind, AnyKind>> = {
  plant: plantKind,
  ven: venKind,
  site: siteKind,
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

/** Where each kind's rollups are recomputed from (kinds without rollups have none). */
export function rollupSources(): RollupSource[] {
  return kindModules().flatMap((k) => (k.catalog.rollupSource ? [k.catalog.rollupSource] : []));
}

/** Every sink in write order: the kinds' own tables first (readings), then the shared ones. */
export function allSinks(): Sink[] {
  return [
    ...kindModules().flatMap((k) => k.catalog.sinks),
    alertsSink,
    rollupsSink(rollupSources()),
    snapshotsSink,
  ];
}
