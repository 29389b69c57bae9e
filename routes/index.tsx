import { type Context, page, type PageProps } from "fresh";
import LiveClock from "../islands/LiveClock.tsx";

interface Dashboard {
  renderedAt: Date;
}

export const handler = {
  GET(ctx: Context<{ title?: string }>) {
    ctx.state.title = "Dashboard";
    return page<Dashboard>({ renderedAt: new Date() });
  },
};

const STATS = [
  ["Plants online", "Generation, storage and CHP reporting telemetry"],
  ["Output now", "Sum of live plant output, MW"],
  ["VENs online", "Demand-response endpoints connected"],
  ["Open alerts", "Spikes, thresholds and data gaps"],
] as const;

/** Placeholder dashboard: the live figures arrive once the actors publish state. */
export default function DashboardPage({ data }: PageProps<Dashboard>) {
  return (
    <>
      <div class="page-head">
        <h1>Dashboard</h1>
        <p class="muted">Fleet overview of plants, VENs and sites.</p>
      </div>
      <section class="cards" aria-label="Fleet figures">
        {STATS.map(([label, hint]) => (
          <article class="card stat">
            <h2>{label}</h2>
            <p class="stat-value">—</p>
            <p class="muted small">{hint}</p>
          </article>
        ))}
      </section>
      <section class="card">
        <LiveClock startedAt={data.renderedAt} />
      </section>
    </>
  );
}
