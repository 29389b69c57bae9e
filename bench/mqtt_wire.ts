/**
 * The few MQTT 3.1.1 packets a load generator sends and reads by the hundred thousand, encoded and
 * decoded by hand: PUBLISH (QoS 1), PUBACK, and a streaming packet splitter. The rare packets (CONNECT,
 * SUBSCRIBE) go through mqtt-packet. Why by hand: a generator that allocates an object graph per message
 * measures itself, not the broker or the app; this one writes straight into one buffer per batch.
 *
 * @example
 * ```ts
 * import { encodePublish, PacketSplitter, PACKET } from "./bench/mqtt_wire.ts";
 * const bytes = encodePublish(new TextEncoder().encode("a/b"), 1, new TextEncoder().encode("{}"));
 * new PacketSplitter((type) => console.log(type === PACKET.publish)).push(bytes);
 * ```
 * @module
 */

/** MQTT control packet types (the high nibble of the first byte). */
export const PACKET = {
  connack: 2,
  publish: 3,
  puback: 4,
  suback: 9,
  pingresp: 13,
} as const;

/** Bytes the remaining-length varint of `n` takes. */
export function varintSize(n: number): number {
  return n < 128 ? 1 : n < 16_384 ? 2 : n < 2_097_152 ? 3 : 4;
}

/** Writes the remaining-length varint of `n` at `offset`; returns the offset after it. */
export function writeVarint(out: Uint8Array, offset: number, n: number): number {
  if (n < 0 || n > 268_435_455) throw new RangeError(`remaining length out of range: ${n}`);
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out[offset++] = byte;
  } while (n > 0);
  return offset;
}

/** Size of a QoS 1 PUBLISH packet with this topic and payload. */
export function publishSize(topicLength: number, payloadLength: number): number {
  const remaining = 2 + topicLength + 2 + payloadLength;
  return 1 + varintSize(remaining) + remaining;
}

/**
 * Writes a QoS 1 PUBLISH at `offset` of `out` (which must have {@linkcode publishSize} bytes free);
 * returns the offset after it.
 */
export function writePublish(
  out: Uint8Array,
  offset: number,
  topic: Uint8Array,
  packetId: number,
  payload: Uint8Array,
): number {
  if (packetId < 1 || packetId > 65_535) throw new RangeError(`packet id must be 1-65535, got ${packetId}`);
  out[offset++] = 0x32; // PUBLISH, QoS 1, no DUP, no RETAIN
  offset = writeVarint(out, offset, 2 + topic.length + 2 + payload.length);
  out[offset++] = topic.length >> 8;
  out[offset++] = topic.length & 0xff;
  out.set(topic, offset);
  offset += topic.length;
  out[offset++] = packetId >> 8;
  out[offset++] = packetId & 0xff;
  out.set(payload, offset);
  return offset + payload.length;
}

/** One QoS 1 PUBLISH packet. */
export function encodePublish(topic: Uint8Array, packetId: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(publishSize(topic.length, payload.length));
  writePublish(out, 0, topic, packetId, payload);
  return out;
}

/** Writes a PUBACK for `packetId` at `offset`; returns the offset after it (4 bytes). */
export function writePuback(out: Uint8Array, offset: number, packetId: number): number {
  out[offset] = 0x40;
  out[offset + 1] = 2;
  out[offset + 2] = packetId >> 8;
  out[offset + 3] = packetId & 0xff;
  return offset + 4;
}

/** The packet id of a PUBACK body, or of a QoS > 0 PUBLISH (after its topic). */
export function readUint16(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] << 8) | bytes[offset + 1];
}

/**
 * Called for each complete packet: `bytes[start, end)` is its body (after the fixed header). The bytes
 * are only valid during the call: the splitter reuses its buffer.
 */
export type PacketHandler = (
  type: number,
  flags: number,
  bytes: Uint8Array,
  start: number,
  end: number,
) => void;

/** Splits a byte stream into MQTT packets, however the stream was cut into chunks. */
export class PacketSplitter {
  #buf = new Uint8Array(64 * 1024);
  #len = 0;
  #onPacket: PacketHandler;

  constructor(onPacket: PacketHandler) {
    this.#onPacket = onPacket;
  }

  /** Feeds a chunk; calls the handler for every packet it completes. */
  push(chunk: Uint8Array): void {
    this.#append(chunk);
    const buf = this.#buf;
    let pos = 0;
    while (this.#len - pos >= 2) {
      let remaining = 0;
      let multiplier = 1;
      let i = pos + 1;
      let complete = false;
      for (let n = 0; n < 4 && i < this.#len; n++) {
        const byte = buf[i++];
        remaining += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        if ((byte & 0x80) === 0) {
          complete = true;
          break;
        }
      }
      if (!complete) {
        if (i - pos - 1 >= 4) throw new RangeError("malformed remaining length");
        break;
      }
      if (this.#len - i < remaining) break;
      this.#onPacket(buf[pos] >> 4, buf[pos] & 0x0f, buf, i, i + remaining);
      pos = i + remaining;
    }
    if (pos > 0) {
      buf.copyWithin(0, pos, this.#len);
      this.#len -= pos;
    }
  }

  #append(chunk: Uint8Array): void {
    if (this.#len + chunk.length > this.#buf.length) {
      const bigger = new Uint8Array(Math.max(this.#buf.length * 2, this.#len + chunk.length));
      bigger.set(this.#buf.subarray(0, this.#len));
      this.#buf = bigger;
    }
    this.#buf.set(chunk, this.#len);
    this.#len += chunk.length;
  }
}
