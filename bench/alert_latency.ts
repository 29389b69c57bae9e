/**
 * Alert latency at a fixed share of the sustained rate. Background telemetry runs at `rate` from the
 * load process; the bench itself drives dedicated plants, so their readings are never interleaved with
 * the background's (which could make a spike look out of order and skip detection):
 *
 * - spike plants get 12 normal readings (past the baseline warm-up of 10), then ONE spike each, spread
 *   evenly over the phase: latency = publish -> the Spike alert row committed (a trigger on `alerts`
 *   in the run's database NOTIFYs at commit; the bench LISTENs) and -> the event on `/api/stream`;
 * - gap plants (expected interval 1 s), silent since the app started, each send one reading at its
 *   own moment of the phase and go silent again: lateness = the System alert committed - (that publish
 *   + gap factor x interval). Measured from publish, not from the app's
 *   receipt, so transport delay counts against the app: the figure can only be pessimistic.
 * @module
 */
import type { Sql } from "../stores/postgres/client.ts";
import { Histogram } from "./histogram.ts";
import { LoadProcess } from "./load.ts";
import type { AlertFigures } from "./report.ts";
import { openSse, type SseStream } from "./sse.ts";
import { WireClient } from "./wire_client.ts";

/** Options for {@linkcode measureAlertLatency}. */
export interface AlertLatencyOptions {
  /** The bench's connection to the run's database; without it (embedded) only the stream is measured. */
  sql?: Sql;
  brokerUrl: string;
  /** Background plants (the load process publishes for them). */
  plantsFile: string;
  spikePlants: string[];
  gapPlants: string[];
  /** Background messages per second. */
  rate: number;
  durationS: number;
  connections: number;
  window: number;
  /** Gap detector settings of the gap plants: `expected_interval_s` and factor k. */
  gapIntervalS: number;
  gapFactor: number;
  /** The app's URL and a bearer token, for `/api/stream`; without them only commits are measured. */
  stream?: { url: string; token: string };
}

/** An alert row change, as the trigger reports it. */
interface AlertNotice {
  plant: string;
  type: string;
  op: string;
  at: number;
}

const CHANNEL = "bench_alerts";
const encoder = new TextEncoder();
const WARMUP_READINGS = 12;

/** Creates the NOTIFY trigger on `alerts` (only in the run's own database). */
export async function installAlertNotify(sql: Sql): Promise<void> {
  await sql.unsafe(`
    create or replace function bench_alert_notify() returns trigger language plpgsql as $$
    begin
      perform pg_notify('${CHANNEL}', json_build_object('plant', new.plant_id, 'type', new.type, 'op', tg_op)::text);
      return new;
    end $$;
    drop trigger if exists bench_alert_notify on alerts;
    create trigger bench_alert_notify after insert or update on alerts
      for each row execute function bench_alert_notify();`);
}

function topic(id: string): Uint8Array {
  return encoder.encode(`gridpulse/plants/${id}/telemetry`);
}

/** Sends `count` normal readings (50 MW, timestamps 1 ms apart, ending before now) for each plant. */
function warmUp(client: WireClient, plants: string[], count: number): void {
  const start = Date.now() - 10_000;
  for (const id of plants) {
    for (let k = 0; k < count; k++) client.publish(topic(id), encoder.encode(`{"ts":${start + k},"mw":50}`));
  }
  client.flush();
}

/**
 * The raw reference for alert latency, in the same run and under the same load: a subscriber that does
 * nothing, on the spike plants' topics only, records when each spike reaches it.
 */
async function bareSubscriber(url: string, plants: string[]) {
  const client = await WireClient.connect(url, { clientId: `bench-bare-${crypto.randomUUID().slice(0, 8)}` });
  const arrived = new Map<string, number>();
  client.onMessage = ({ topic, payload }) => {
    if (new TextDecoder().decode(payload).includes('"mw":250')) {
      arrived.set(topic.split("/")[2], performance.now());
    }
  };
  for (const id of plants) await client.subscribe(`gridpulse/plants/${id}/telemetry`);
  return {
    latencies(published: Map<string, number>) {
      const h = new Histogram();
      for (const [id, at] of published) {
        const got = arrived.get(id);
        if (got !== undefined) h.record(got - at);
      }
      return h.summary();
    },
    close: () => client.close(),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/**
 * Publishes one spike per spike plant and one last reading per gap plant, each kind spread evenly over
 * the phase, so every sample is taken at its own moment (gap deadlines that all fall in the same timer
 * tick would be one sample ten times). Returns when each was published (bench clock).
 */
async function publishSchedule(
  client: WireClient,
  options: AlertLatencyOptions,
): Promise<{ spikes: Map<string, number>; gaps: Map<string, number> }> {
  const span = options.durationS * 1000;
  const events = [
    ...options.spikePlants.map((id, i) => ({ id, spike: true, at: (i * span) / options.spikePlants.length })),
    ...options.gapPlants.map((id, i) => ({
      id,
      spike: false,
      at: ((i + 0.5) * span) / options.gapPlants.length,
    })),
  ].sort((a, b) => a.at - b.at);
  const spikes = new Map<string, number>();
  const gaps = new Map<string, number>();
  const t0 = performance.now();
  for (const event of events) {
    await sleep(t0 + event.at - performance.now());
    client.publish(topic(event.id), encoder.encode(`{"ts":${Date.now()},"mw":${event.spike ? 250 : 50}}`));
    (event.spike ? spikes : gaps).set(event.id, performance.now());
    client.flush();
  }
  return { spikes, gaps };
}

/** Runs the phase; resolves with the latency figures. */
export async function measureAlertLatency(options: AlertLatencyOptions): Promise<AlertFigures> {
  const { sql } = options;
  const notices: AlertNotice[] = [];
  const streamed: AlertNotice[] = [];
  let listener: { unlisten(): Promise<void> } | undefined;
  if (sql) {
    await installAlertNotify(sql);
    listener = await sql.listen(CHANNEL, (payload) => {
      const at = performance.now();
      notices.push({ ...JSON.parse(payload), at });
    });
  }
  const watched = [...options.spikePlants, ...options.gapPlants];
  const streams = options.stream ? await openStreams(options.stream, watched, streamed) : [];
  const background = await LoadProcess.spawn({
    mode: "publish",
    url: options.brokerUrl,
    clientPrefix: `bench-alerts-${crypto.randomUUID().slice(0, 8)}`,
    plantsFile: options.plantsFile,
    connections: options.connections,
    window: options.window,
    rate: options.rate,
    durationMs: options.durationS * 1000 + 4_000,
    credit: false,
  });
  const bare = await bareSubscriber(options.brokerUrl, options.spikePlants);
  const client = await WireClient.connect(options.brokerUrl, {
    clientId: `bench-spikes-${crypto.randomUUID().slice(0, 8)}`,
  });
  try {
    warmUp(client, options.spikePlants, WARMUP_READINGS);
    await sleep(1_000); // the warm-up readings are through the pipeline well before the first spike
    const { spikes, gaps } = await publishSchedule(client, options);
    // Long enough for the last spike and gap alerts to commit: the target is 100 ms, 1.5 s is ample.
    const gapWindow = options.gapFactor * options.gapIntervalS * 1000;
    const lastDeadline = Math.max(performance.now(), ...[...gaps.values()].map((at) => at + gapWindow));
    await sleep(lastDeadline + 1_500 - performance.now());
    const figures = summarise(options, notices, spikes, streamed, gaps, gapWindow);
    figures.rawDelivery = bare.latencies(spikes);
    return figures;
  } finally {
    await client.close();
    await bare.close();
    await background.stop();
    for (const stream of streams) stream.close();
    await listener?.unlisten();
  }
}

/**
 * Streams filtered to the watched plants (the endpoint takes at most 100 entity ids, so one stream per
 * 100), recording every Spike or System event with its arrival time. No kind filter: whatever the
 * event calls itself, an event naming the plant and "Spike" is its alert.
 */
async function openStreams(
  target: { url: string; token: string },
  plants: string[],
  seen: AlertNotice[],
): Promise<SseStream[]> {
  const streams: SseStream[] = [];
  for (let i = 0; i < plants.length; i += 100) {
    const ids = plants.slice(i, i + 100);
    const url = new URL("/api/stream", target.url);
    url.searchParams.set("entity", ids.join(","));
    streams.push(
      await openSse(url.toString(), { authorization: `Bearer ${target.token}` }, (event, at) => {
        const type = event.data.includes("Spike") ? "Spike" : event.data.includes("System") ? "System" : "";
        if (!type) return;
        for (const id of ids) if (event.data.includes(id)) seen.push({ plant: id, type, op: "INSERT", at });
      }),
    );
  }
  return streams;
}

/** The first notice of `type` for `plant` at or after `after`. */
function first(notices: AlertNotice[], plant: string, type: string, after: number): AlertNotice | undefined {
  return notices.find((n) => n.plant === plant && n.type === type && n.op === "INSERT" && n.at >= after) ??
    (type === "Spike"
      ? notices.find((n) => n.plant === plant && n.type === type && n.at >= after)
      : undefined);
}

/**
 * Latencies from the commits (NOTIFY) when the database is the bench's to watch, else from the stream;
 * a spike or gap counts as missed when its primary source never reported it.
 */
function summarise(
  options: AlertLatencyOptions,
  notices: AlertNotice[],
  published: Map<string, number>,
  streamed: AlertNotice[],
  gapLastPublish: Map<string, number>,
  gapWindowMs: number,
): AlertFigures {
  const primary = options.sql ? notices : streamed;
  const committed = new Histogram();
  const stream = new Histogram();
  const gap = new Histogram();
  let missedSpikes = 0;
  for (const [id, at] of published) {
    const notice = first(primary, id, "Spike", at);
    if (notice) {
      if (options.sql) committed.record(notice.at - at);
    } else missedSpikes++;
    const seen = first(streamed, id, "Spike", at);
    if (seen) stream.record(seen.at - at);
  }
  let missedGaps = 0;
  for (const [id, last] of gapLastPublish) {
    // The plant was silent since the app started, so an earlier gap alert may exist; ours opens after
    // the reading resolved that one: the first System alert well after the last reading.
    const notice = first(primary, id, "System", last + 500);
    if (notice) gap.record(notice.at - (last + gapWindowMs));
    else missedGaps++;
  }
  return {
    rate: options.rate,
    spikes: published.size,
    committed: options.sql ? committed.summary() : undefined,
    stream: options.stream ? stream.summary() : undefined,
    gapLateness: options.gapPlants.length ? gap.summary() : undefined,
    missedSpikes,
    missedGaps,
  };
}
