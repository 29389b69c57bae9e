/**
 * The inbound acknowledgement queue of one MQTT connection: messages in arrival order, each acked
 * individually by its sequence number, released as PUBACKs strictly in arrival order (MQTT 3.1.1
 * section 4.6: "MUST send PUBACK packets in the order in which the corresponding PUBLISH packets were
 * received"). A later ack waits for every earlier one.
 * @module
 */

/** A packet id of `-1` marks a QoS 0 message: it holds its place in the order but needs no PUBACK. */
export const NO_PACKET_ID = -1;

/** In-order acknowledgements for one connection. */
export class AckQueue {
  #packetIds: number[] = [];
  #done: boolean[] = [];
  #head = 0;
  /** Sequence number of the entry at `#head`. */
  #headSeq: number;
  #nextSeq: number;

  /** @param firstSeq The sequence number the first pushed message gets. */
  constructor(firstSeq: number) {
    this.#headSeq = firstSeq;
    this.#nextSeq = firstSeq;
  }

  /** Messages received and not yet released. */
  get size(): number {
    return this.#packetIds.length - this.#head;
  }

  /** The sequence number the next pushed message gets. */
  get nextSeq(): number {
    return this.#nextSeq;
  }

  /** Records an arrival; returns its sequence number. */
  push(packetId: number): number {
    this.#packetIds.push(packetId);
    this.#done.push(false);
    return this.#nextSeq++;
  }

  /**
   * Marks `seq` done and returns the packet ids now releasable, in order (QoS 0 entries are released
   * silently). Unknown or already released sequence numbers are ignored: they belong to an earlier
   * connection whose messages the broker will redeliver.
   */
  ack(seq: number, out: number[]): void {
    const index = seq - this.#headSeq;
    if (index < 0 || index >= this.size) return;
    this.#done[this.#head + index] = true;
    while (this.#head < this.#packetIds.length && this.#done[this.#head]) {
      const id = this.#packetIds[this.#head];
      if (id !== NO_PACKET_ID) out.push(id);
      this.#head++;
      this.#headSeq++;
    }
    // Compact once the released prefix dominates, so memory follows the pending count, not the total.
    if (this.#head > 1024 && this.#head * 2 > this.#packetIds.length) {
      this.#packetIds = this.#packetIds.slice(this.#head);
      this.#done = this.#done.slice(this.#head);
      this.#head = 0;
    }
  }
}
