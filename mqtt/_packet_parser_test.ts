import assert from "node:assert/strict";
import fc from "fast-check";
import mqttPacket from "mqtt-packet";
import { Buffer } from "node:buffer";
import { PacketParser } from "./_packet_parser.ts";

const generate = (packet: Record<string, unknown>) => {
  const p = packet.payload instanceof Uint8Array
    ? { ...packet, payload: Buffer.from(packet.payload) }
    : packet;
  return new Uint8Array(mqttPacket.generate(p as unknown as mqttPacket.Packet));
};

/** What the session reads of a packet. */
function shape(p: mqttPacket.Packet): Record<string, unknown> {
  if (p.cmd !== "publish") return { cmd: p.cmd, messageId: (p as { messageId?: number }).messageId };
  const payload = typeof p.payload === "string" ? new TextEncoder().encode(p.payload) : p.payload;
  return {
    cmd: p.cmd,
    topic: p.topic,
    qos: p.qos,
    dup: p.dup,
    retain: p.retain,
    messageId: p.qos > 0 ? p.messageId : undefined,
    payload: Array.from(payload),
  };
}

const publish = fc.record({
  cmd: fc.constant("publish"),
  topic: fc.string({ minLength: 1, maxLength: 80 }).filter((t) => !t.includes("\0")),
  payload: fc.uint8Array({ maxLength: 400 }),
  qos: fc.constantFrom(0, 1),
  dup: fc.boolean(),
  retain: fc.boolean(),
  messageId: fc.integer({ min: 1, max: 65_535 }),
}).map((p) => (p.qos === 0 ? { ...p, dup: false, messageId: undefined } : p));
const other = fc.oneof(
  fc.integer({ min: 1, max: 65_535 }).map((messageId) => ({ cmd: "puback", messageId })),
  fc.integer({ min: 1, max: 65_535 }).map((messageId) => ({ cmd: "suback", messageId, granted: [1] })),
  fc.constant({ cmd: "pingresp" }),
);

Deno.test("PacketParser yields what mqtt-packet yields, however the stream is cut", () => {
  fc.assert(fc.property(
    fc.array(fc.oneof(publish, publish, other), { minLength: 1, maxLength: 25 }),
    fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 10 }),
    (packets, cuts) => {
      const bytes = packets.map(generate);
      const stream = new Uint8Array(bytes.reduce((n, b) => n + b.length, 0));
      let offset = 0;
      for (const b of bytes) (stream.set(b, offset), offset += b.length);
      const expected: Record<string, unknown>[] = [];
      const reference = mqttPacket.parser({ protocolVersion: 4 });
      reference.on("packet", (p) => expected.push(shape(p)));
      reference.parse(stream as unknown as Parameters<typeof reference.parse>[0]);
      const got: Record<string, unknown>[] = [];
      const parser = new PacketParser();
      parser.on("packet", (p) => got.push(shape(p)));
      parser.on("error", (e) => assert.fail(e));
      for (let pos = 0, i = 0; pos < stream.length; i++) {
        const n = cuts[i % cuts.length];
        parser.parse(stream.slice(pos, pos + n));
        pos += n;
      }
      assert.deepEqual(got, expected);
    },
  ));
});

Deno.test("PacketParser reports a malformed remaining length and a topic past the end", () => {
  const errors: Error[] = [];
  const parser = new PacketParser();
  parser.on("error", (e) => errors.push(e));
  parser.parse(new Uint8Array([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]));
  assert.equal(errors.length, 1);
  const bad = new PacketParser();
  bad.on("error", (e) => errors.push(e));
  bad.parse(new Uint8Array([0x30, 0x03, 0x00, 0x09, 0x61]));
  assert.equal(errors.length, 2);
});
