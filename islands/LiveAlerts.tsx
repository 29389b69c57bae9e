import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { getJson } from "../components/api_client.ts";
import { formatDateTime, humanize } from "../components/format.ts";
import { subscribe } from "../components/live_feed.ts";
import { alertRow, type LiveAlertRow, type LiveEvent } from "../components/live_events.ts";
import { EmptyState, SeverityBadge, StateBadge, TableWrap } from "../components/ui.tsx";

/** Props of {@linkcode LiveAlerts}. */
export interface LiveAlertsProps {
  alerts: LiveAlertRow[];
  /** Display names of the entities alerts are about, by id. */
  names: Record<string, string>;
  /** How many rows to keep. */
  limit: number;
}

function apply(rows: LiveAlertRow[], event: LiveEvent, limit: number): LiveAlertRow[] {
  if (event.type !== "alert") return rows;
  const rest = rows.filter((r) => r.id !== event.alert.id);
  const updated = rows.length !== rest.length;
  if (!updated && event.action !== "opened") return rows;
  return [event.alert, ...rest].sort((a, b) => b.ts - a.ts).slice(0, limit);
}

/** The newest alerts, updated as they open, are acknowledged and resolve. */
export default function LiveAlerts({ alerts, names, limit }: LiveAlertsProps) {
  const rows = useSignal(alerts);
  useEffect(() =>
    subscribe({
      kinds: ["alert"],
      onEvent: (event) => (rows.value = apply(rows.value, event, limit)),
      poll: async () => {
        const page = await getJson<{ items: unknown[] }>(`/api/alerts/recent?hours=168&page_size=${limit}`);
        rows.value = page.items.map((a) => alertRow(a)).filter((a): a is LiveAlertRow => a !== undefined);
      },
    }), []);
  if (rows.value.length === 0) {
    return (
      <EmptyState title="No alerts this week">
        Spikes, threshold breaches and data gaps appear here.
      </EmptyState>
    );
  }
  return (
    <TableWrap label="Recent alerts">
      <thead>
        <tr>
          <th>Time (UTC)</th>
          <th>Alert</th>
          <th>Severity</th>
          <th>State</th>
        </tr>
      </thead>
      <tbody>
        {rows.value.map((a) => (
          <tr key={a.id} data-alert={a.id}>
            <td class="nowrap">{formatDateTime(a.ts)}</td>
            <td class="message">
              <strong>{names[a.entityId] ?? humanize(a.entityKind)}</strong> · {a.type}
              <div class="muted small">{a.message}</div>
            </td>
            <td>
              <SeverityBadge severity={a.severity} />
            </td>
            <td>
              <StateBadge state={a.state} />
            </td>
          </tr>
        ))}
      </tbody>
    </TableWrap>
  );
}
