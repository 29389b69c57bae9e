/**
 * The benchmark's load generator, run as its own process so that publishing does not share an isolate
 * (or a CPU slice of one) with what is measured. One QoS 1 session with 1000 messages in flight.
 *
 * - `burst <url> <count> <topics-file>`: `count` messages round-robin over the topics, as fast as the
 *   broker takes them; each topic's timestamps increase by 1 s.
 * - `paced <url> <rate> <seconds> <topics-file> <spikes-per-second>`: `rate` messages/s; every second
 *   the first `spikes-per-second` messages are spikes (value = a unique large number).
 *
 * Prints JSON lines: `{"start": epochMs}`, then `{"end": epochMs, "spikes": {"topic value": sentAtEpochMs}}`.
 * @module
 */
import { MqttSession } from "../mqtt/session.ts";

const now = () => performance.timeOrigin + performance.now();
/** This process's CPU time in ms (Linux), for the benchmark's CPU accounting. */
const cpuMs = () => {
  try {
    const f = Deno.readTextFileSync("/proc/self/stat").split(") ")[1].split(" ");
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return 0;
  }
};
const [mode, url, ...rest] = Deno.args;
const session = new MqttSession({
  url,
  clientId: `bench-pub-${crypto.randomUUID().slice(0, 8)}`,
  clean: true,
  maxInflight: 1000,
});
session.start();
await session.ready(10_000);
const emit = (line: unknown) => console.log(JSON.stringify(line));

if (mode === "burst") {
  const count = Number(rest[0]);
  const topics = (await Deno.readTextFile(rest[1])).trim().split("\n");
  // in the past, so that live readings sent afterwards (paced mode) come in order
  const t0 = Date.now() - Math.ceil(count / topics.length) * 1000 - 60_000;
  emit({ start: now(), cpu: cpuMs() });
  let pending: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const ts = t0 + Math.floor(i / topics.length) * 1000;
    pending.push(session.publish(topics[i % topics.length], `{"ts":${ts},"mw":${10 + (i % 7) / 10}}`));
    if (pending.length >= 2000) {
      await Promise.all(pending);
      pending = [];
    }
  }
  await Promise.all(pending);
  emit({ end: now(), cpu: cpuMs() });
} else if (mode === "paced") {
  const [rate, seconds, file, spikesPerSecond] = [Number(rest[0]), Number(rest[1]), rest[2], Number(rest[3])];
  const topics = (await Deno.readTextFile(file)).trim().split("\n");
  const tickMs = 10;
  const perTick = rate * tickMs / 1000;
  const spikes: Record<string, number> = {};
  const started = now();
  emit({ start: started });
  let sent = 0;
  let value = 1_000_000;
  const lastTs = new Float64Array(topics.length); // per plant strictly increasing: no reading is "late"
  for (let tick = 0; now() - started < seconds * 1000; tick++) {
    const due = Math.floor((tick + 1) * perTick);
    const spikeTick = tick % (1000 / tickMs) === 0;
    for (let k = 0; sent < due; k++, sent++) {
      const index = sent % topics.length;
      const topic = topics[index];
      const spike = spikeTick && k < spikesPerSecond;
      const mw = spike ? ++value : 10 + (sent % 7) / 10;
      const ts = lastTs[index] = Math.max(Date.now(), lastTs[index] + 1);
      if (spike) spikes[`${topic} ${mw}`] = now();
      session.publish(topic, `{"ts":${ts},"mw":${mw}}`).catch(() => {});
    }
    const wait = started + (tick + 1) * tickMs - now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  emit({ end: now(), spikes });
}
await session.close();
