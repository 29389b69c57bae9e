/**
 * What a VEN actor shows outside: its live state in the cache (`actor:ven:{id}`, exactly
 * `domain/live.ts` `VenLiveState`, no TTL: the actor owns it and the runtime deletes it with the
 * actor), built once per flush by the host, and its change events on `CHANGES_CHANNEL` (`state` when
 * its status or its events in progress change, `reading` at most once a second).
 *
 * Why no TTL, unlike a plant's 5 minutes: the host ships live state only when an actor changes, and
 * VEN state is read from the cache only (`api/live.ts`), so a TTL would make a silent VEN (an offline
 * one is silent by definition) vanish from `/api/vens` and the network figures while it is still
 * registered. A write the cache refused is sent again by the writer (`actors/writer.ts`), and the
 * in-process cache never evicts `actor:` keys.
 * @module
 */
import type { VenLiveState } from "../../domain/live.ts";
import { keys } from "../../stores/cache/cache.ts";
import type { Effect } from "../kind.ts";
import type { VenState } from "./state.ts";

const iso = (ms: number) => new Date(ms).toISOString();

/** The live state for the cache. */
export function live(state: VenState): { key: string; value: VenLiveState } {
  return {
    key: keys.actor("ven", state.id),
    value: {
      status: state.status,
      usedPowerKw: state.last?.usedPowerKw ?? 0,
      shedPowerKw: state.last?.shedPowerKw ?? 0,
      loads: state.last?.loads ?? [],
      lastSeen: state.lastSeenAt === undefined ? null : iso(state.lastSeenAt),
      activeEvents: state.active,
    },
  };
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** A `state` event when the status or the events in progress changed. */
export function publish(state: VenState, before: VenState | undefined, now: number): Effect[] {
  if (before && before.status === state.status && sameList(before.active, state.active)) return [];
  return [{
    type: "event",
    event: {
      type: "state",
      kind: "ven",
      id: state.id,
      ts: iso(now),
      status: state.status,
      activeEvents: state.active,
    },
  }];
}

/** A `reading` event with the panel's power. */
export function readingEvent(state: VenState, ts: number): Effect {
  return {
    type: "event",
    event: {
      type: "reading",
      kind: "ven",
      id: state.id,
      ts: iso(ts),
      usedPowerKw: state.last?.usedPowerKw ?? 0,
      shedPowerKw: state.last?.shedPowerKw ?? 0,
    },
  };
}
