/**
 * How figures and times read on every page, the same on the server and in islands: UTC times (the grid's
 * clock), fixed decimals per unit, and a relative "3 min ago". Only `Intl`, so it bundles for browsers.
 * @module
 */

const DATE_TIME = new Intl.DateTimeFormat("en-GB", {
  timeZone: "UTC",
  day: "2-digit",
  month: "short",
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
});
const TIME = new Intl.DateTimeFormat("en-GB", {
  timeZone: "UTC",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
});
const TICK_TIME = new Intl.DateTimeFormat("en-GB", {
  timeZone: "UTC",
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
});
const TICK_DAY = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "2-digit", month: "short" });

const toDate = (value: Date | string | number) => value instanceof Date ? value : new Date(value);

/** `26 Jan, 14:05` (UTC); an em dash for null. */
export function formatDateTime(value: Date | string | number | null | undefined): string {
  return value === null || value === undefined ? "—" : DATE_TIME.format(toDate(value));
}

/** `14:05:09` (UTC). */
export function formatTime(value: Date | string | number): string {
  return TIME.format(toDate(value));
}

/** A time-axis tick: `14:05`, or the day at midnight and on spans of days. */
export function formatTick(ms: number, spanMs: number): string {
  const midnight = ms % 86_400_000 === 0;
  if (spanMs > 3 * 86_400_000) return TICK_DAY.format(ms) + (midnight ? "" : ` ${TICK_TIME.format(ms)}`);
  return midnight ? TICK_DAY.format(ms) : TICK_TIME.format(ms);
}

/** A number with `digits` decimals and thousands separators; an em dash for null or NaN. */
export function formatNumber(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  return value.toLocaleString("en-GB", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** `12.5 MW` */
export const formatMw = (value: number | null | undefined, digits = 1): string =>
  value === null || value === undefined ? "—" : `${formatNumber(value, digits)} MW`;

/** `840 kW` */
export const formatKw = (value: number | null | undefined, digits = 0): string =>
  value === null || value === undefined ? "—" : `${formatNumber(value, digits)} kW`;

/** `3 min ago`, `2 h ago`, `just now`; relative to `now`. */
export function formatAgo(value: Date | string | number | null | undefined, now = Date.now()): string {
  if (value === null || value === undefined) return "never";
  const seconds = Math.round((now - toDate(value).getTime()) / 1000);
  if (seconds < 45) return seconds < -45 ? formatDateTime(value) : "just now";
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} d ago`;
}

const ACRONYMS = new Set(["chp", "hvac", "ev", "pv", "ups", "ven", "adr", "fcr"]);

/** `gas_peaker` -> `Gas peaker`, `chp` -> `CHP`, `optIn` -> `Opt in`. */
export function humanize(value: string): string {
  const words = value.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase().split(/[_\s]+/);
  const text = words.map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : w)).join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}
