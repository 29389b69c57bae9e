/**
 * ADR event lifecycle: create, change, cancel and delete events; resolve their targets (VEN ids and
 * groups) into participation rows; and tell every targeted VEN over MQTT (QoS 1, retained) on
 * `gridpulse/vens/{venId}/events`. A VEN's retained message is its current event most recently
 * changed; when an event ends or leaves a VEN, the retained message moves to the VEN's next current
 * event, or is cleared (empty payload). The actors hear of every change (`event.changed`).
 *
 * @example
 * ```ts
 * import { startAdrEventSweeper } from "./api/adr_events.ts";
 * // const stop = startAdrEventSweeper(services); // main.ts: activates and ends events on time
 * ```
 * @module
 */
import { HttpError } from "fresh";
import type { z } from "zod";
import type { AuthUser } from "../auth/tokens.ts";
import { ValidationError } from "../core/errors.ts";
import type { Services } from "../core/services.ts";
import { type AdrEventInput, type AdrEventMessage, formatDuration } from "../domain/adr_event.ts";
import { topics } from "../domain/telemetry.ts";
import * as repo from "../stores/postgres/repos/adr_events.ts";
import type { Entity } from "../stores/postgres/repos/crud.ts";
import { audit } from "./audit.ts";
import { notFound } from "./crud.ts";
import { notifyActor } from "./runtime.ts";

type EventInput = z.output<typeof AdrEventInput>;
const iso = (value: unknown) => (value as Date).toISOString();
/** Publishes in batches so thousands of VENs do not become thousands of promises at once. */
const PUBLISH_BATCH = 200;

/** An event row as the API returns it. */
export function toApiEvent(row: Entity, people?: Entity[], delivery?: { notified: number; failed: number }) {
  return {
    id: row.id,
    programId: row.programId,
    programName: row.programName,
    eventName: row.eventName,
    priority: row.priority,
    status: row.status,
    intervalPeriod: { start: iso(row.startAt), duration: formatDuration(row.durationS as number) },
    intervals: row.intervals,
    targets: row.targets,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    cancelledAt: row.cancelledAt,
    participantCount: people?.length ?? row.participantCount ?? 0,
    ...(people
      ? {
        participants: people.map((p) => ({
          venId: p.venId,
          venName: p.venName,
          opt: p.opt,
          respondedAt: p.respondedAt,
          notifiedAt: p.notifiedAt,
          baselineKw: p.baselineKw,
          deliveredShedKw: p.deliveredShedKw,
          deliveredKwh: p.deliveredKwh,
        })),
      }
      : {}),
    ...(delivery ? { delivery } : {}),
  };
}

/** The MQTT message of an event (OpenADR 3 field names). */
export function toMessage(row: Entity, status = row.status as AdrEventMessage["status"]): AdrEventMessage {
  return {
    objectType: "EVENT",
    id: row.id as string,
    programID: row.programId as string,
    programName: row.programName as string,
    eventName: row.eventName as string,
    priority: row.priority as number,
    status,
    createdDateTime: iso(row.createdAt),
    modificationDateTime: iso(row.updatedAt),
    intervalPeriod: { start: iso(row.startAt), duration: formatDuration(row.durationS as number) },
    intervals: row.intervals as AdrEventMessage["intervals"],
  };
}

/** Publishes `payload` to the events topic of each VEN; returns who the broker accepted it for. */
async function publish(
  services: Services,
  venIds: string[],
  payload: (venId: string) => unknown,
  retain: boolean,
): Promise<{ sent: string[]; failed: string[] }> {
  const sent: string[] = [];
  const failed: string[] = [];
  const mqtt = services.mqtt;
  if (!mqtt) return { sent, failed: [...venIds] };
  for (let i = 0; i < venIds.length; i += PUBLISH_BATCH) {
    const batch = venIds.slice(i, i + PUBLISH_BATCH);
    const results = await Promise.allSettled(
      batch.map((id) => mqtt.publish(topics.venEvents(id), payload(id), { qos: 1, retain })),
    );
    results.forEach((r, j) => (r.status === "fulfilled" ? sent : failed).push(batch[j]));
  }
  if (failed.length > 0) services.log.warn("ADR event not delivered to every VEN", { failed: failed.length });
  return { sent, failed };
}

/** Sends the event to its VENs (retained), records who got it and tells their actors. */
async function deliver(services: Services, row: Entity, venIds: string[]) {
  const message = toMessage(row);
  const { sent, failed } = await publish(services, venIds, () => message, true);
  await repo.markNotified(services.sql, row.id as string, sent);
  for (const venId of venIds) {
    await notifyActor(services, "ven", venId, { type: "event.changed", eventId: row.id, status: row.status });
  }
  return { notified: sent.length, failed: failed.length };
}

/**
 * Points the retained message of each VEN at its current event most recently changed (other than
 * `eventId`), or clears it with an empty payload when it has none.
 */
async function refreshRetained(services: Services, venIds: string[], eventId: string): Promise<void> {
  const current = await repo.currentEventOf(services.sql, venIds, eventId, new Date());
  const messages = new Map<string, AdrEventMessage>();
  for (const id of new Set(current.values())) {
    const row = await repo.getEvent(services.sql, id);
    if (row) messages.set(id, toMessage(row));
  }
  await publish(services, venIds, (venId) => {
    const next = current.get(venId);
    return (next && messages.get(next)) ?? new Uint8Array(0);
  }, true);
}

function statusAt(start: Date, durationS: number, now = Date.now()): "scheduled" | "active" | "completed" {
  if (start.getTime() > now) return "scheduled";
  return start.getTime() + durationS * 1000 > now ? "active" : "completed";
}

async function checkTargets(sql: Parameters<typeof repo.unknownVens>[0], venIds: string[]) {
  const unknown = await repo.unknownVens(sql, venIds);
  if (unknown.length > 0) {
    throw new ValidationError(
      `Invalid body: targets name VENs that do not exist: ${unknown.join(", ")}`,
      unknown.map((id) => ({
        field: `targets.venIds.${venIds.indexOf(id)}`,
        message: "is not a registered VEN",
      })),
    );
  }
}

function checkNotOver(start: Date, durationS: number) {
  if (statusAt(start, durationS) === "completed") {
    throw new ValidationError("Invalid body: the event would be over already", [
      { field: "intervalPeriod.start", message: "the event must end in the future" },
    ]);
  }
}

/** Loads an event with its participants, or answers 404. */
export async function loadEvent(services: Services, id: string) {
  const row = await repo.getEvent(services.sql, id);
  if (!row) throw notFound("ADR event", id);
  return toApiEvent(row, await repo.participants(services.sql, id));
}

/** Creates an event, resolves its targets and sends it to them. */
export async function createEvent(services: Services, user: AuthUser, input: EventInput) {
  const start = input.intervalPeriod.start;
  const durationS = input.intervalPeriod.duration;
  checkNotOver(start, durationS);
  const { id, venIds } = await services.sql.begin(async (tx) => {
    await checkTargets(tx, input.targets.venIds);
    const id = await repo.insertEvent(tx, {
      programId: input.programId,
      eventName: input.eventName,
      priority: input.priority ?? 0,
      status: statusAt(start, durationS),
      startAt: start,
      durationS,
      intervals: input.intervals,
      targets: input.targets,
      createdBy: user.username,
    });
    const venIds = await repo.resolveTargets(tx, input.targets);
    await repo.setParticipants(tx, id, venIds);
    return { id, venIds };
  }) as { id: string; venIds: string[] };
  const row = (await repo.getEvent(services.sql, id))!;
  const delivery = await deliver(services, row, venIds);
  const after = toApiEvent(row, await repo.participants(services.sql, id), delivery);
  await audit(services, user, { action: "create", entity: "adr_event", entityId: id, after });
  return after;
}

/** Changes an event that has not ended or been cancelled; re-resolves targets and re-sends it. */
export async function changeEvent(
  services: Services,
  user: AuthUser,
  id: string,
  patch: Partial<EventInput>,
) {
  const { before, removed, venIds } = await services.sql.begin(async (tx) => {
    const row = await repo.getEvent(tx, id, true);
    if (!row) throw notFound("ADR event", id);
    if (row.status === "completed" || row.status === "cancelled") {
      throw new HttpError(409, `ADR event ${id} is ${row.status}; it can no longer change`);
    }
    const start = patch.intervalPeriod?.start ?? row.startAt as Date;
    const durationS = patch.intervalPeriod?.duration ?? row.durationS as number;
    checkNotOver(start, durationS);
    const targets = patch.targets ?? row.targets as EventInput["targets"];
    if (patch.targets) await checkTargets(tx, patch.targets.venIds);
    await repo.updateEvent(tx, id, {
      programId: patch.programId,
      eventName: patch.eventName,
      priority: patch.priority,
      status: statusAt(start, durationS),
      startAt: start,
      durationS,
      intervals: patch.intervals,
      targets,
    });
    const venIds = await repo.resolveTargets(tx, targets);
    const { removed } = await repo.setParticipants(tx, id, venIds);
    return { before: row, removed, venIds };
  }) as { before: Entity; removed: string[]; venIds: string[] };
  const row = (await repo.getEvent(services.sql, id))!;
  if (removed.length > 0) {
    // VENs no longer targeted hear it is cancelled for them, then get their next current event retained
    await publish(services, removed, () => toMessage(row, "cancelled"), false);
    await refreshRetained(services, removed, id);
    for (const venId of removed) {
      await notifyActor(services, "ven", venId, { type: "event.changed", eventId: id, status: "cancelled" });
    }
  }
  const delivery = await deliver(services, row, venIds);
  const after = toApiEvent(row, await repo.participants(services.sql, id), delivery);
  await audit(services, user, {
    action: "update",
    entity: "adr_event",
    entityId: id,
    before: toApiEvent(before),
    after,
  });
  return after;
}

/** Cancels an event: its VENs get the cancellation (retained until the event would have ended). */
export async function cancelAdrEvent(services: Services, user: AuthUser, id: string) {
  const before = await services.sql.begin(async (tx) => {
    const row = await repo.getEvent(tx, id, true);
    if (!row) throw notFound("ADR event", id);
    if (row.status === "completed" || row.status === "cancelled") {
      throw new HttpError(409, `ADR event ${id} is already ${row.status}`);
    }
    await repo.cancelEvent(tx, id);
    return row;
  }) as Entity;
  const row = (await repo.getEvent(services.sql, id))!;
  const people = await repo.participants(services.sql, id);
  const delivery = await deliver(services, row, people.map((p) => p.venId as string));
  const after = toApiEvent(row, people, delivery);
  await audit(services, user, {
    action: "cancel",
    entity: "adr_event",
    entityId: id,
    before: toApiEvent(before),
    after,
  });
  return after;
}

/** Deletes an event; VENs still in it hear it is cancelled and their retained message moves on. */
export async function deleteAdrEvent(services: Services, user: AuthUser, id: string): Promise<void> {
  const row = await repo.getEvent(services.sql, id);
  if (!row) throw notFound("ADR event", id);
  const venIds = (await repo.participants(services.sql, id)).map((p) => p.venId as string);
  await repo.deleteEvent(services.sql, id);
  if (!row.retainedClearedAt) {
    if (row.status !== "cancelled" && row.status !== "completed") {
      await publish(services, venIds, () => toMessage(row, "cancelled"), false);
    }
    await refreshRetained(services, venIds, id);
  }
  for (const venId of venIds) {
    await notifyActor(services, "ven", venId, { type: "event.changed", eventId: id, status: "deleted" });
  }
  await audit(services, user, {
    action: "delete",
    entity: "adr_event",
    entityId: id,
    before: toApiEvent(row),
  });
}

/**
 * One sweep: scheduled events that started become active; events that ended become completed (unless
 * cancelled) and their VENs' retained messages move on. Returns the ids it changed.
 */
export async function sweepAdrEvents(services: Services, now = new Date()) {
  const activated = await repo.activateStarted(services.sql, now);
  for (const id of activated) {
    for (const p of await repo.participants(services.sql, id)) {
      await notifyActor(services, "ven", p.venId as string, {
        type: "event.changed",
        eventId: id,
        status: "active",
      });
    }
  }
  const ended = await repo.claimEnded(services.sql, now);
  for (const { id, venIds } of ended) {
    await refreshRetained(services, venIds, id);
    for (const venId of venIds) {
      await notifyActor(services, "ven", venId, { type: "event.changed", eventId: id, status: "completed" });
    }
  }
  return { activated, ended: ended.map((e) => e.id) };
}

/** Sweeps every `intervalMs` until the returned function is called. */
export function startAdrEventSweeper(services: Services, options: { intervalMs?: number } = {}): () => void {
  let running = false;
  const timer = setInterval(async () => {
    if (running) return; // a slow sweep is not overlapped by the next
    running = true;
    try {
      await sweepAdrEvents(services);
    } catch (error) {
      services.log.error("ADR event sweep failed", { error });
    } finally {
      running = false;
    }
  }, options.intervalMs ?? 15_000);
  return () => clearInterval(timer);
}
