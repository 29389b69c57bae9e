/**
 * One shard in a worker host: its MQTT session (stable client id, persistent) and the keys of its
 * actors. The mailbox is the session's window of unacknowledged messages: messages are handled as they
 * arrive and wait only for their commit, so "mailbox depth" = pending acks. It is bounded: at
 * `mailboxSize` the session stops reading (the broker holds the rest) and it reads again below half.
 * @module
 */
import type { Logger } from "../../core/log.ts";
import type { InboundMessage, MqttSession, SessionState } from "../../mqtt/session.ts";
import type { AckTarget } from "./batcher.ts";

/** What a shard needs of an MQTT session (the real one, or a fake in tests). */
export type ShardSession = Pick<
  MqttSession,
  | "start"
  | "ready"
  | "subscribe"
  | "unsubscribe"
  | "ack"
  | "publish"
  | "pause"
  | "resume"
  | "close"
  | "pendingAcks"
  | "paused"
  | "state"
>;

/** Creates the session of a shard. */
export type SessionFactory = (options: {
  clientId: string;
  onMessage: (message: InboundMessage) => void;
  onState: (state: SessionState, error?: unknown) => void;
}) => ShardSession;

/** A shard hosted by this worker. */
export class Shard implements AckTarget {
  readonly n: number;
  readonly session: ShardSession;
  /** Keys (`kind:id`) of the actors of this shard. */
  readonly actors = new Set<string>();
  #mailboxSize: number;
  #log: Logger;
  /** Set while the shard is being handed over: its messages wait at the broker. */
  releasing = false;

  constructor(
    n: number,
    options: { clientId: string; mailboxSize: number; log: Logger; factory: SessionFactory },
    onMessage: (shard: Shard, message: InboundMessage) => void,
  ) {
    this.n = n;
    this.#mailboxSize = options.mailboxSize;
    this.#log = options.log;
    this.session = options.factory({
      clientId: options.clientId,
      onMessage: (message) => onMessage(this, message),
      onState: (state, error) => this.#onState(state, error),
    });
  }

  /** Mailbox depth: messages received and not yet acknowledged. */
  get depth(): number {
    return this.session.pendingAcks;
  }

  /** Pauses reading when the mailbox is full. */
  checkFull(): void {
    if (!this.session.paused && this.session.pendingAcks >= this.#mailboxSize) {
      this.session.pause();
      this.#log.debug("mailbox full, pausing the session", { depth: this.session.pendingAcks });
    }
  }

  /** Acknowledges messages `first`..`last` (their batch is committed); reads again below half full. */
  ack(first: number, last: number): void {
    for (let seq = first; seq <= last; seq++) this.session.ack(seq);
    this.#maybeResume();
  }

  #maybeResume(): void {
    if (this.session.paused && !this.releasing && this.session.pendingAcks < this.#mailboxSize / 2) {
      this.session.resume();
    }
  }

  #onState(state: SessionState, error?: unknown): void {
    if (state === "connected") {
      this.#log.debug("shard session connected");
      this.#maybeResume(); // unacknowledged messages of the old connection come again
    } else if (state === "reconnecting") {
      this.#log.warn("shard session lost, reconnecting", { error });
    }
  }
}
