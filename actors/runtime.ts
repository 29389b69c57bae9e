/**
 * What the rest of GridPulse sees of the actor runtime: the API tells it about entity changes, the
 * Architecture page and `/metrics` read its figures, `/api/ready` its state. The implementation
 * (supervisor, worker hosts, shards, writer) lives beside this file.
 * @module
 */
import type { StoreStatus } from "../stores/status.ts";

/** The actor kinds. */
export type ActorKind = "plant" | "ven" | "site";

/** Live figures of the runtime. */
export interface RuntimeStats {
  workers: number;
  workersAlive: number;
  shards: number;
  actors: number;
  actorsByKind: Record<ActorKind, number>;
  /** Messages per second over the last 10 s. */
  messagesPerSecond: number;
  messagesIn: number;
  messagesAcked: number;
  messagesRejected: number;
  pendingAcks: number;
  workerRestarts: number;
  /** `running`, or `failed` once a worker passed its restart intensity (with the reason). */
  state: "starting" | "running" | "failed" | "stopped";
  failure?: string;
}

/** The actor runtime as the web layer and main.ts use it. */
export interface Runtime {
  /** Creates the actor of an entity, or reloads its configuration after its row changed. */
  upsert(kind: ActorKind, id: string): Promise<void>;
  /** Stops and forgets the actor of a deleted entity. */
  remove(kind: ActorKind, id: string): Promise<void>;
  /**
   * Reloads the configuration of every actor of a kind, after a change that applies to all of them (an
   * alert rule for every plant): one batched load instead of an `upsert` per actor. Resolves once the
   * change is ordered: the actors are reconfigured in the background (about a second per 10,000 actors),
   * changes in the order they were made, a failed pass retried (actors/reconfigurer.ts).
   */
  reconfigure(kind: ActorKind): Promise<void>;
  /** Delivers a command to an actor (alert acknowledged or resolved by an operator, ADR event changed). */
  notify(kind: ActorKind, id: string, command: { type: string; [field: string]: unknown }): Promise<void>;
  stats(): RuntimeStats;
  /** Prometheus text exposition of the runtime's metrics (`GET /metrics`). */
  metrics(): string;
  check(): StoreStatus;
  stop(): Promise<void>;
}
