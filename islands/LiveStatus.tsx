import { feedStatus } from "../components/live_feed.ts";

const TEXT = {
  connecting: ["Connecting…", "badge-muted"],
  live: ["Live", "badge-live"],
  polling: ["Stream down · polling every 60 s", "badge-warn"],
} as const;

/** Whether the page's live feed is streaming, or has fallen back to polling. */
export default function LiveStatus() {
  const [text, tone] = TEXT[feedStatus.value];
  return <span class={`badge ${tone}`} data-feed={feedStatus.value} role="status">{text}</span>;
}
