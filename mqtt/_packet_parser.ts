/**
 * The inbound half of the MQTT wire: splits the byte stream into packets by hand and decodes PUBLISH,
 * the packet that arrives by the hundred thousand, without `mqtt-packet`. Its parser runs a state
 * machine per packet with several `debug()` calls (npm:debug; a function call with arguments even when
 * disabled), copies into a BufferList and allocates per state: together 6-10% of an isolate's CPU under
 * load. Every other packet (CONNACK, SUBACK, PUBACK, PINGRESP...) is rare and still goes through
 * `mqtt-packet`, fed exactly that packet's bytes.
 * @module
 */
import mqttPacket from "mqtt-packet";
import { Buffer } from "node:buffer";

type PacketListener = (packet: mqttPacket.Packet) => void;
type ErrorListener = (error: Error) => void;

const decoder = new TextDecoder();

/** A drop-in for the parser of `mqttPacket.parser()` as the session uses it: `on` and `parse`. */
export class PacketParser {
  #slow = mqttPacket.parser({ protocolVersion: 4 });
  #packetListeners: PacketListener[] = [];
  #errorListeners: ErrorListener[] = [];
  #buf: Uint8Array = new Uint8Array(0);

  constructor() {
    this.#slow.on("packet", (packet) => this.#emit(packet));
    this.#slow.on("error", (error) => this.#fail(error));
  }

  on(event: "packet", listener: PacketListener): this;
  on(event: "error", listener: ErrorListener): this;
  on(event: "packet" | "error", listener: PacketListener | ErrorListener): this {
    if (event === "packet") this.#packetListeners.push(listener as PacketListener);
    else this.#errorListeners.push(listener as ErrorListener);
    return this;
  }

  /** Feeds bytes; emits every packet they complete. `chunk` may be kept (payloads are views of it). */
  parse(chunk: Uint8Array): void {
    let buf = chunk;
    if (this.#buf.length > 0) {
      buf = new Uint8Array(this.#buf.length + chunk.length);
      buf.set(this.#buf);
      buf.set(chunk, this.#buf.length);
    }
    let pos = 0;
    while (buf.length - pos >= 2) {
      let length = 0;
      let multiplier = 1;
      let i = pos + 1;
      let complete = false;
      for (let n = 0; n < 4 && i < buf.length; n++) {
        const byte = buf[i++];
        length += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        if ((byte & 0x80) === 0) {
          complete = true;
          break;
        }
      }
      if (!complete) {
        if (i - pos - 1 >= 4) return this.#fail(new Error("Invalid remaining length"));
        break;
      }
      if (buf.length - i < length) break;
      const end = i + length;
      if (buf[pos] >> 4 === 3) this.#publish(buf, pos, i, end);
      else this.#slow.parse(Buffer.from(buf.buffer, buf.byteOffset + pos, end - pos));
      pos = end;
    }
    // An unfinished packet waits for the next chunk (copied: the caller may reuse nothing, but small).
    this.#buf = pos === buf.length ? new Uint8Array(0) : buf.slice(pos);
  }

  #publish(buf: Uint8Array, pos: number, start: number, end: number): void {
    const flags = buf[pos] & 0x0f;
    const qos = ((flags >> 1) & 3) as 0 | 1 | 2;
    const topicLength = (buf[start] << 8) | buf[start + 1];
    let at = start + 2 + topicLength;
    if (at > end) return this.#fail(new Error("Malformed PUBLISH: topic past the packet's end"));
    const topic = decoder.decode(buf.subarray(start + 2, at));
    let messageId: number | undefined;
    if (qos > 0) {
      messageId = (buf[at] << 8) | buf[at + 1];
      at += 2;
    }
    this.#emit({
      cmd: "publish",
      topic,
      payload: Buffer.from(buf.buffer, buf.byteOffset + at, end - at),
      qos,
      dup: (flags & 8) !== 0,
      retain: (flags & 1) !== 0,
      messageId,
      length: end - start,
    } as mqttPacket.IPublishPacket);
  }

  #emit(packet: mqttPacket.Packet): void {
    for (const listener of this.#packetListeners) listener(packet);
  }

  #fail(error: Error): void {
    for (const listener of this.#errorListeners) listener(error);
  }
}
