import assert from "node:assert/strict";
import mqttPacket from "mqtt-packet";
import fc from "fast-check";
import {
  encodePublish,
  PACKET,
  PacketSplitter,
  publishSize,
  readUint16,
  varintSize,
  writePuback,
  writeVarint,
} from "./mqtt_wire.ts";

const enc = new TextEncoder();

Deno.test("encodePublish() is what mqtt-packet parses as a QoS 1 PUBLISH", () => {
  const payload = enc.encode(JSON.stringify({ ts: 1_700_000_000_000, mw: 1.5 }));
  const bytes = encodePublish(enc.encode("gridpulse/plants/x/telemetry"), 513, payload);
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  const seen: mqttPacket.IPublishPacket[] = [];
  parser.on("packet", (p) => seen.push(p as mqttPacket.IPublishPacket));
  parser.parse(bytes as unknown as Parameters<typeof parser.parse>[0]);
  assert.deepEqual(seen.length, 1);
  assert.deepEqual(seen[0].cmd, "publish");
  assert.deepEqual(seen[0].qos, 1);
  assert.deepEqual(seen[0].messageId, 513);
  assert.deepEqual(seen[0].topic, "gridpulse/plants/x/telemetry");
  assert.deepEqual(
    new TextDecoder().decode(seen[0].payload as Uint8Array),
    new TextDecoder().decode(payload),
  );
});

Deno.test("writeVarint() matches varintSize() and refuses out-of-range lengths", () => {
  for (const n of [0, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, 268_435_455]) {
    const out = new Uint8Array(4);
    assert.deepEqual(writeVarint(out, 0, n), varintSize(n));
  }
  assert.throws(() => writeVarint(new Uint8Array(4), 0, 268_435_456), RangeError);
  assert.throws(() => encodePublish(enc.encode("t"), 0, enc.encode("")), RangeError);
});

Deno.test("PacketSplitter yields each packet once however the stream is cut", () => {
  fc.assert(fc.property(
    fc.array(fc.record({ id: fc.integer({ min: 1, max: 65_535 }), size: fc.integer({ min: 0, max: 300 }) }), {
      minLength: 1,
      maxLength: 30,
    }),
    fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1 }),
    (packets, cuts) => {
      const parts = packets.map(({ id, size }) =>
        id % 2 ? encodePublish(enc.encode("a/b"), id, new Uint8Array(size).fill(7)) : (() => {
          const b = new Uint8Array(4);
          writePuback(b, 0, id);
          return b;
        })()
      );
      const stream = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) (stream.set(p, o), o += p.length);
      const got: Array<[number, number]> = [];
      const splitter = new PacketSplitter((type, _flags, bytes, start) => {
        const id = type === PACKET.puback ? readUint16(bytes, start) : readUint16(bytes, start + 2 + 3);
        got.push([type, id]);
      });
      let pos = 0;
      for (let i = 0; pos < stream.length; i++) {
        const n = cuts[i % cuts.length];
        splitter.push(stream.subarray(pos, pos + n));
        pos += n;
      }
      assert.deepEqual(got, packets.map(({ id }) => [id % 2 ? PACKET.publish : PACKET.puback, id]));
    },
  ));
});

Deno.test("publishSize() is the encoded length", () => {
  const bytes = encodePublish(enc.encode("x".repeat(200)), 1, new Uint8Array(20_000));
  assert.deepEqual(bytes.length, publishSize(200, 20_000));
});
