/**
 * Pieces the VEN pages share: the VEN form's fields, history series, and the events table.
 * @module
 */
import { type Choice, inputValue, options } from "../../../../components/choices.ts";
import type { FieldSpec } from "../../../../components/form_rules.ts";
import { formatDateTime, formatKw } from "../../../../components/format.ts";
import { StateBadge, TableWrap } from "../../../../components/ui.tsx";
import { formatDuration } from "../../../../domain/adr_event.ts";
import type { Entity } from "../../../../stores/postgres/repos/crud.ts";
import type { Series } from "../../../../islands/TimeSeriesChart.tsx";

/** The VEN registration form. */
export function venFields(sites: Choice[]): FieldSpec[] {
  return [
    {
      name: "venName",
      label: "VEN name",
      kind: "text",
      placeholder: "ven-site-load",
      hint: "Its id in MQTT topics: 1-100 of A-Z a-z 0-9 _ . : -",
    },
    { name: "displayName", label: "Display name", kind: "text", nullable: true },
    { name: "siteId", label: "Site", kind: "select", nullable: true, options: options(sites, "No site") },
    { name: "groups", label: "Groups", kind: "list", hint: "Comma-separated; ADR events can target a group" },
    { name: "expectedIntervalS", label: "Reporting interval (s)", kind: "number", step: "1" },
  ];
}

/** The form's values for a VEN, or a new one. */
export function venValues(ven?: Entity): Record<string, string> {
  const text = inputValue;
  return {
    venName: text(ven?.venName),
    displayName: text(ven?.displayName),
    siteId: text(ven?.siteId),
    groups: ((ven?.groups ?? []) as string[]).join(", "),
    expectedIntervalS: text(ven?.expectedIntervalS ?? 60),
  };
}

/** Used and shed power as two lines (shed filled). */
export function powerSeries(rows: { ts: Date; usedPowerKw: number; shedPowerKw: number }[]): Series[] {
  return [
    { label: "Used", points: rows.map((r) => [r.ts.getTime(), r.usedPowerKw]) },
    { label: "Shed", points: rows.map((r) => [r.ts.getTime(), r.shedPowerKw]), fill: true },
  ];
}

/** ADR events: name (linked), program, status, window, participants or this VEN's answer. */
export function EventTable({ events, ven }: { events: Entity[]; ven?: boolean }) {
  return (
    <TableWrap label="ADR events">
      <thead>
        <tr>
          <th>Event</th>
          <th>Program</th>
          <th>Status</th>
          <th>Start (UTC)</th>
          <th>Duration</th>
          {ven ? <th>Answer</th> : <th class="num">VENs</th>}
          {ven && <th class="num">Shed delivered</th>}
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr key={e.id as string}>
            <td>
              <a href={`/vens/events/${e.id}`}>{e.eventName as string}</a>
            </td>
            <td>{e.programName as string}</td>
            <td>
              <StateBadge state={e.status as string} />
            </td>
            <td class="nowrap">{formatDateTime(e.startAt as Date)}</td>
            <td>{formatDuration(e.durationS as number).replace(/^PT?/, "").toLowerCase()}</td>
            {ven
              ? (
                <td>
                  <StateBadge state={e.opt as string} />
                </td>
              )
              : <td class="num">{e.participantCount as number}</td>}
            {ven && <td class="num">{formatKw(e.deliveredShedKw as number | null, 1)}</td>}
          </tr>
        ))}
      </tbody>
    </TableWrap>
  );
}
