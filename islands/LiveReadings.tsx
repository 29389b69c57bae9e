import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { getJson } from "../components/api_client.ts";
import { formatMw, formatTime } from "../components/format.ts";
import { subscribe } from "../components/live_feed.ts";
import { EmptyState, TableWrap } from "../components/ui.tsx";

/** One reading row: plant id, epoch ms, MW. */
export type ReadingRow = [plantId: string, ts: number, value: number];

/** Props of {@linkcode LiveReadings}. */
export interface LiveReadingsProps {
  readings: ReadingRow[];
  names: Record<string, string>;
  limit: number;
}

/** The newest plant meter readings, newest first, as they arrive. */
export default function LiveReadings({ readings, names, limit }: LiveReadingsProps) {
  const rows = useSignal(readings);
  useEffect(() =>
    subscribe({
      kinds: ["plant"],
      onEvent: (event) => {
        if (event.type !== "reading" || event.metric !== "power_mw") return;
        const row: ReadingRow = [event.plantId, event.ts, event.value];
        if (rows.value.some((r) => r[0] === row[0] && r[1] === row[1])) return;
        rows.value = [row, ...rows.value].sort((a, b) => b[1] - a[1]).slice(0, limit);
      },
      poll: async () => {
        const page = await getJson<{ items: { plantId: string; ts: string; value: number }[] }>(
          `/api/meter-readings/recent?hours=1&page_size=${limit}&metric_type=power_mw`,
        );
        rows.value = page.items.map((r) => [r.plantId, Date.parse(r.ts), r.value]);
      },
    }), []);
  if (rows.value.length === 0) {
    return (
      <EmptyState title="No readings in the last hour">Plants that report telemetry show up here.</EmptyState>
    );
  }
  return (
    <TableWrap label="Recent meter readings">
      <thead>
        <tr>
          <th>Time (UTC)</th>
          <th>Plant</th>
          <th class="num">Output</th>
        </tr>
      </thead>
      <tbody>
        {rows.value.map(([plantId, ts, value]) => (
          <tr key={`${plantId}:${ts}`}>
            <td class="nowrap">{formatTime(ts)}</td>
            <td>{names[plantId] ?? plantId.slice(0, 8)}</td>
            <td class="num">{formatMw(value, 2)}</td>
          </tr>
        ))}
      </tbody>
    </TableWrap>
  );
}
