/**
 * `/operations`: what the markets and the control room did: market prices (chart and table) and the
 * dispatch log, each paged; operators record dispatches and signals here.
 * @module
 */
import { page, type PageProps } from "fresh";
import { hasRole } from "../../../auth/session.ts";
import { define } from "../../../core/define.ts";
import type { State } from "../../../core/services.ts";
import { type Choice, plantChoices } from "../../../components/choices.ts";
import { rulesOf } from "../../../components/field_rules.ts";
import { formatDateTime, formatNumber } from "../../../components/format.ts";
import { load, type Loaded, pageOf } from "../../../components/load.ts";
import {
  DoneNotice,
  EmptyState,
  ErrorState,
  Listing,
  PageHead,
  Section,
  TableWrap,
} from "../../../components/ui.tsx";
import { documentPage } from "../../../api/documents.ts";
import type { Page } from "../../../domain/common.ts";
import { DispatchEntryInput, MarketSignalInput } from "../../../domain/market.ts";
import ResourceForm from "../../../islands/ResourceForm.tsx";
import TimeSeriesChart, { type Series } from "../../../islands/TimeSeriesChart.tsx";
import { marketName } from "../offers/(_offers)/form.ts";
import { dispatchFields, signalFields } from "./(_operations)/forms.ts";

const DAY = 86_400_000;
const PAGE_SIZE = 15;

type Doc = Record<string, unknown>;

interface OperationsData {
  prices: Loaded<Series[]>;
  signals: Loaded<Page<Doc>>;
  dispatches: Loaded<Page<Doc>>;
  plants: Choice[];
  now: number;
}

export const handler = define.handlers<OperationsData>({
  async GET(ctx) {
    ctx.state.title = "Operations";
    const { services } = ctx.state;
    const now = Date.now();
    const signalsPage = pageOf(ctx.url, PAGE_SIZE, "signals");
    const dispatchPage = pageOf(ctx.url, PAGE_SIZE, "dispatches");
    const [prices, signals, dispatches, plants] = await Promise.all([
      load(services, "market prices", async () => {
        const docs = await services.documents.find("market_signals", {
          from: new Date(now - DAY),
          sort: "asc",
          limit: 5_000,
        });
        const byMarket = new Map<string, [number, number][]>();
        for (const d of docs) {
          const market = String(d.market);
          byMarket.set(market, [...byMarket.get(market) ?? [], [d.timestamp.getTime(), Number(d.price)]]);
        }
        return [...byMarket].map(([market, points]) => ({ label: marketName(market), points }));
      }),
      load(services, "market signals", () =>
        documentPage(services, "market_signals", {
          where: {},
          paging: { page: signalsPage.page, page_size: PAGE_SIZE },
        })),
      load(services, "dispatch log", () =>
        documentPage(services, "dispatch_log", {
          where: {},
          paging: { page: dispatchPage.page, page_size: PAGE_SIZE },
        })),
      hasRole(ctx.state.user, "operator") ? plantChoices(services.sql).catch(() => []) : [],
    ]);
    return page({ prices, signals, dispatches, plants, now });
  },
});

function PriceChart({ data }: { data: OperationsData }) {
  if (!data.prices.ok) return <ErrorState title="Prices could not be read" message={data.prices.error} />;
  if (data.prices.value.length === 0) {
    return (
      <EmptyState title="No market signals in the last 24 hours">
        Recorded signals are charted here.
      </EmptyState>
    );
  }
  return (
    <TimeSeriesChart
      id="price-chart"
      label="Market prices per market over the last 24 hours, EUR/MWh"
      series={data.prices.value}
      unit="€/MWh"
      from={data.now - DAY}
      to={data.now}
    />
  );
}

function SignalTable({ items }: { items: Doc[] }) {
  return (
    <TableWrap label="Market signals">
      <thead>
        <tr>
          <th>Time (UTC)</th>
          <th>Market</th>
          <th class="num">Price</th>
          <th class="num">Volume</th>
        </tr>
      </thead>
      <tbody>
        {items.map((s) => (
          <tr key={s.id as string}>
            <td class="nowrap">{formatDateTime(s.timestamp as Date)}</td>
            <td>{marketName(String(s.market))}</td>
            <td class="num">{formatNumber(s.price as number, 2)} €/MWh</td>
            <td class="num">{formatNumber(s.volume as number)} MWh</td>
          </tr>
        ))}
      </tbody>
    </TableWrap>
  );
}

function DispatchTable({ items }: { items: Doc[] }) {
  return (
    <TableWrap label="Dispatch log">
      <thead>
        <tr>
          <th>Time (UTC)</th>
          <th>Plant</th>
          <th>Market</th>
          <th>Direction</th>
          <th class="num">Volume</th>
        </tr>
      </thead>
      <tbody>
        {items.map((d) => (
          <tr key={d.id as string} data-dispatch={String(d.plantName)}>
            <td class="nowrap">{formatDateTime(d.timestamp as Date)}</td>
            <td>{String(d.plantName)}</td>
            <td>{marketName(String(d.market))}</td>
            <td>{d.direction === "up" ? "↑ Up" : "↓ Down"}</td>
            <td class="num">{formatNumber(d.volumeMw as number)} MW</td>
          </tr>
        ))}
      </tbody>
    </TableWrap>
  );
}

function RecordForms({ plants }: { plants: Choice[] }) {
  return (
    <div class="grid-2">
      <details class="card">
        <summary>Record a dispatch</summary>
        <ResourceForm
          fields={dispatchFields(plants)}
          rules={rulesOf(DispatchEntryInput)}
          values={{ direction: "up" }}
          method="POST"
          url="/api/dispatch-log"
          submitLabel="Record dispatch"
          next="/operations?done=created#dispatch-log"
        />
      </details>
      <details class="card">
        <summary>Record a market signal</summary>
        <ResourceForm
          fields={signalFields()}
          rules={rulesOf(MarketSignalInput)}
          values={{}}
          method="POST"
          url="/api/market-signals"
          submitLabel="Record signal"
          next="/operations?done=created#market-signals"
        />
      </details>
    </div>
  );
}

/** Prices and dispatches. */
export default function OperationsPage({ data, url, state }: PageProps<OperationsData, State>) {
  const { signals, dispatches } = data;
  return (
    <>
      <PageHead title="Operations" lead="Market prices and the dispatch instructions sent to plants." />
      <DoneNotice url={url} what="Entry" />
      <Section title="Market prices, last 24 hours">
        <PriceChart data={data} />
      </Section>
      {hasRole(state.user, "operator") && <RecordForms plants={data.plants} />}
      <div class="grid-2">
        <Section title="Dispatch log" id="dispatch-log">
          <Listing
            list={dispatches}
            what="The dispatch log"
            url={url}
            page={dispatches.ok ? dispatches.value.page : 1}
            pageSize={PAGE_SIZE}
            param="dispatches"
            empty={<EmptyState title="Nothing dispatched yet" />}
          >
            {(items) => <DispatchTable items={items} />}
          </Listing>
        </Section>
        <Section title="Market signals" id="market-signals">
          <Listing
            list={signals}
            what="Market signals"
            url={url}
            page={signals.ok ? signals.value.page : 1}
            pageSize={PAGE_SIZE}
            param="signals"
            empty={<EmptyState title="No market signals yet" />}
          >
            {(items) => <SignalTable items={items} />}
          </Listing>
        </Section>
      </div>
    </>
  );
}
