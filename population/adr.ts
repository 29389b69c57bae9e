/**
 * The seeded ADR events of the program (seed 002): one completed, one active right now, one scheduled,
 * one cancelled, each with its targets and each targeted VEN's answer. Pure: the VEN series sheds load
 * in the windows of the events a VEN opted into, and the participation figures are computed from that
 * telemetry.
 * @module
 */
import { VENS } from "./catalog.ts";
import { stableId } from "./ids.ts";

const MIN = 60_000;

/** A seeded ADR event. */
export interface AdrEventPlan {
  id: string;
  name: string;
  status: "completed" | "active" | "scheduled" | "cancelled";
  start: number;
  durationS: number;
  priority: number;
  shedLevel: number;
  targets: { venNames: string[]; groups: string[] };
  cancelledAt: number | null;
  /** VEN name -> its answer and when. */
  answers: Record<string, { opt: "optIn" | "optOut" | "pending"; respondedAt: number | null }>;
  notifiedAt: number | null;
}

const inGroups = (groups: string[]) =>
  VENS.filter((v) => v.groups.some((g) => groups.includes(g))).map((v) => v.name);

/** The four events, relative to the window's end `end` (epoch ms, whole minute). */
export function adrEvents(end: number, namespace: string): AdrEventPlan[] {
  const at = (minutesFromEnd: number) => Math.floor((end + minutesFromEnd * MIN) / (5 * MIN)) * 5 * MIN;
  const event = (name: string, plan: Omit<AdrEventPlan, "id" | "name">): AdrEventPlan => ({
    id: stableId(namespace, "adr_event", name),
    name,
    ...plan,
  });
  const completedStart = at(-8 * 60);
  const activeStart = at(-20);
  return [
    event("Evening peak shed (campus + logistics)", {
      status: "completed",
      start: completedStart,
      durationS: 2 * 3600,
      priority: 1,
      shedLevel: 2,
      targets: { venNames: [], groups: ["campus", "logistics"] },
      cancelledAt: null,
      notifiedAt: completedStart - 60 * MIN,
      answers: Object.fromEntries(
        inGroups(["campus", "logistics"]).map((name, i) => [name, {
          opt: name === "ven-helix-labs" ? "optOut" : "optIn",
          respondedAt: completedStart - (55 - i) * MIN,
        }]),
      ),
    }),
    event("Grid stress: import limit", {
      status: "active",
      start: activeStart,
      durationS: 3600,
      priority: 0,
      shedLevel: 3,
      targets: { venNames: ["ven-aurora-cooling", "ven-rhine-ev", "ven-meridian-press"], groups: [] },
      cancelledAt: null,
      notifiedAt: activeStart - 30 * MIN,
      answers: {
        "ven-aurora-cooling": { opt: "optIn", respondedAt: activeStart - 28 * MIN },
        "ven-rhine-ev": { opt: "optIn", respondedAt: activeStart - 27 * MIN },
        "ven-meridian-press": { opt: "pending", respondedAt: null },
      },
    }),
    event("Morning ramp support", {
      status: "scheduled",
      start: at(3 * 60),
      durationS: 90 * 60,
      priority: 2,
      shedLevel: 1,
      targets: { venNames: [], groups: ["datacenter", "manufacturing"] },
      cancelledAt: null,
      notifiedAt: at(-10),
      answers: Object.fromEntries(
        inGroups(["datacenter", "manufacturing"]).map((
          name,
        ) => [name, { opt: "pending", respondedAt: null }]),
      ),
    }),
    event("Heatwave reserve", {
      status: "cancelled",
      start: at(5 * 60),
      durationS: 3600,
      priority: 1,
      shedLevel: 2,
      targets: { venNames: [], groups: ["campus"] },
      cancelledAt: at(-60),
      notifiedAt: at(-120),
      answers: { "ven-helix-hvac": { opt: "optIn", respondedAt: at(-115) } },
    }),
  ];
}

/** The windows in which `venName` sheds: events it opted into that have started, up to their end or `end`. */
export function sheddingWindows(events: AdrEventPlan[], venName: string, end: number) {
  return events
    .filter((e) => (e.status === "completed" || e.status === "active") && e.answers[venName]?.opt === "optIn")
    .map((e) => ({ start: e.start, end: Math.min(e.start + e.durationS * 1000, end + MIN) }));
}

/** OpenADR 3 style intervals of an event. */
export function intervals(e: AdrEventPlan) {
  return [{
    id: 0,
    intervalPeriod: { start: new Date(e.start).toISOString(), duration: `PT${e.durationS / 60}M` },
    payloads: [{ type: "SIMPLE", values: [e.shedLevel] }],
  }];
}
