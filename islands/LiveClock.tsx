import { useEffect, useState } from "preact/hooks";

/** Props of {@linkcode LiveClock}. */
export interface LiveClockProps {
  /** The server's time when it rendered the page; shown until the island hydrates. */
  startedAt: Date;
}

const TIME = new Intl.DateTimeFormat("en-GB", {
  timeZone: "UTC",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
});
const DATE = new Intl.DateTimeFormat("en-GB", {
  timeZone: "UTC",
  weekday: "short",
  day: "numeric",
  month: "short",
  year: "numeric",
});

/** A UTC clock that ticks every second once hydrated; the button pauses and resumes it. */
export default function LiveClock({ startedAt }: LiveClockProps) {
  const [now, setNow] = useState(startedAt);
  const [running, setRunning] = useState(true);
  // The button stays disabled in the server HTML and turns on once the island is live.
  const [hydrated, setHydrated] = useState(false);

  useEffect(() => setHydrated(true), []);
  useEffect(() => {
    if (!running) return;
    setNow(new Date());
    const timer = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(timer);
  }, [running]);

  return (
    <div class="clock">
      <div>
        <p class="clock-label">
          Grid time (UTC)
          <span class={running ? "badge badge-live" : "badge"}>{running ? "Live" : "Paused"}</span>
        </p>
        <time class="clock-time" dateTime={now.toISOString()}>{TIME.format(now)}</time>
        <p class="muted small">{DATE.format(now)}</p>
      </div>
      <button
        type="button"
        class="button"
        disabled={!hydrated}
        aria-pressed={!running}
        onClick={() => setRunning((r) => !r)}
      >
        {running ? "Pause" : "Resume"}
      </button>
    </div>
  );
}
