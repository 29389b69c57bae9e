/** `/vens/events/:id`: one ADR event: when, what level, whom it targets, and each VEN's participation. */
import { HttpError, page, type PageProps } from "fresh";
import { hasRole } from "../../../../auth/session.ts";
import { define } from "../../../../core/define.ts";
import type { State } from "../../../../core/services.ts";
import { formatDateTime, formatKw, formatNumber } from "../../../../components/format.ts";
import { load, type Loaded } from "../../../../components/load.ts";
import {
  DoneNotice,
  EmptyState,
  ErrorState,
  Facts,
  PageHead,
  StateBadge,
  TableWrap,
} from "../../../../components/ui.tsx";
import { formatDuration } from "../../../../domain/adr_event.ts";
import { Uuid } from "../../../../domain/common.ts";
import type { Entity } from "../../../../stores/postgres/repos/crud.ts";
import { getEvent, participants } from "../../../../stores/postgres/repos/adr_events.ts";
import ConfirmButton from "../../../../islands/ConfirmButton.tsx";

interface EventData {
  event: Entity;
  people: Loaded<Entity[]>;
}

export const handler = define.handlers<EventData>({
  async GET(ctx) {
    const { services } = ctx.state;
    const id = ctx.params.id;
    const event = Uuid.safeParse(id).success ? await getEvent(services.sql, id) : undefined;
    if (!event) throw new HttpError(404, `No ADR event with id ${id}`);
    ctx.state.title = event.eventName as string;
    return page({
      event,
      people: await load(services, "participants", () => participants(services.sql, id)),
    });
  },
});

/** What the event asks: each interval's payloads, e.g. `SIMPLE 2`, `IMPORT_CAPACITY_LIMIT 150 kW`. */
function levels(intervals: unknown): string {
  const list = Array.isArray(intervals)
    ? intervals as { payloads?: { type: string; values: number[] }[] }[]
    : [];
  const text = list.flatMap((i) =>
    (i.payloads ?? []).map((p) =>
      p.type === "SIMPLE" ? `shed level ${p.values[0]}` : `import ≤ ${p.values[0]} kW`
    )
  );
  return [...new Set(text)].join(", ") || "—";
}

function Participants({ people }: { people: Entity[] }) {
  return (
    <TableWrap label="Participation">
      <thead>
        <tr>
          <th>VEN</th>
          <th>Answer</th>
          <th>Answered (UTC)</th>
          <th>Notified (UTC)</th>
          <th class="num">Baseline</th>
          <th class="num">Shed delivered</th>
          <th class="num">Energy</th>
        </tr>
      </thead>
      <tbody>
        {people.map((p) => (
          <tr key={p.venId as string}>
            <td>
              <a href={`/vens/${p.venId}`}>{p.venName as string}</a>
            </td>
            <td>
              <StateBadge state={p.opt as string} />
            </td>
            <td class="nowrap">{formatDateTime(p.respondedAt as Date | null)}</td>
            <td class="nowrap">{formatDateTime(p.notifiedAt as Date | null)}</td>
            <td class="num">{formatKw(p.baselineKw as number | null, 1)}</td>
            <td class="num">{formatKw(p.deliveredShedKw as number | null, 1)}</td>
            <td class="num">
              {p.deliveredKwh === null ? "—" : `${formatNumber(p.deliveredKwh as number)} kWh`}
            </td>
          </tr>
        ))}
      </tbody>
    </TableWrap>
  );
}

/** One ADR event. */
export default function EventPage({ data, url, state }: PageProps<EventData, State>) {
  const { event, people } = data;
  const targets = event.targets as { venIds: string[]; groups: string[] };
  return (
    <>
      <PageHead title={event.eventName as string} lead={`ADR event of program ${event.programName}`}>
        <a class="button button-ghost" href="/vens">VENs</a>
      </PageHead>
      <section class="card">
        <Facts
          items={[
            ["Status", <StateBadge key="s" state={event.status as string} />],
            ["Starts (UTC)", formatDateTime(event.startAt as Date)],
            ["Duration", formatDuration(event.durationS as number)],
            ["Asks for", levels(event.intervals)],
            ["Priority", String(event.priority)],
            [
              "Targets",
              [
                targets.groups.length ? `groups ${targets.groups.join(", ")}` : "",
                targets.venIds.length ? `${targets.venIds.length} VENs` : "",
              ]
                .filter(Boolean).join(" and ") || "—",
            ],
            ["Created by", (event.createdBy as string | null) ?? "—"],
          ]}
        />
      </section>
      <DoneNotice url={url} what="ADR event" />
      <section class="card">
        <div class="card-head">
          <h2>Participation</h2>
        </div>
        {!people.ok
          ? <ErrorState title="Participation could not be read" message={people.error} />
          : people.value.length === 0
          ? <EmptyState title="No VEN takes part">The targets resolved to no active VEN.</EmptyState>
          : <Participants people={people.value} />}
      </section>
      {hasRole(state.user, "operator") && ["scheduled", "active"].includes(event.status as string) && (
        <section class="card danger-zone">
          <div class="card-head">
            <div>
              <h2>Cancel event</h2>
              <p class="muted small">Its VENs are sent the cancellation at once.</p>
            </div>
          </div>
          <ConfirmButton
            method="POST"
            url={`/api/events/${event.id}/cancel`}
            label="Cancel event"
            question={`Cancel “${event.eventName}”?`}
            confirm="Yes, cancel it"
            next={`/vens/events/${event.id}?done=cancelled`}
          />
        </section>
      )}
    </>
  );
}
