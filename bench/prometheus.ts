/**
 * Reading the app's `/metrics` (Prometheus text exposition).
 * @module
 */

/** Sum of a Prometheus family's samples in exposition text (undefined when the family is absent). */
export function metricSum(text: string, name: string): number | undefined {
  let sum: number | undefined;
  for (const line of text.split("\n")) {
    if (!line.startsWith(name) || (line[name.length] !== " " && line[name.length] !== "{")) continue;
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    if (Number.isFinite(value)) sum = (sum ?? 0) + value;
  }
  // A declared family without samples (a labelled counter nothing has incremented yet) is 0.
  return sum ?? (text.includes(`# TYPE ${name} `) ? 0 : undefined);
}
