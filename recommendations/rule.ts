/**
 * What a recommendation rule is: a named, versioned, pure function of a site's measured
 * {@linkcode SiteFacts} and {@linkcode SitePrices} with its constants in the open. For each subject it
 * judges (the site, or one asset) it either fires with a {@linkcode Finding}, finds nothing to recommend,
 * or lacks the data to say; the last two come with the reason.
 * @module
 */
import type { RECOMMENDATION_TYPES } from "../domain/hierarchy.ts";
import type { SitePrices } from "./prices.ts";
import type { SiteFacts } from "./site_facts.ts";

/** Hours in a year, to scale a measured average to a year. */
export const HOURS_PER_YEAR = 8_760;
/** Payback (months) below which a recommendation is `high` priority, and below which `medium`. */
export const PRIORITY_PAYBACK_MONTHS = { high: 24, medium: 60 } as const;

/** What a rule recommends for one subject, in figures per year. */
export interface Finding {
  /** The asset it is about; null: the whole site. */
  assetId: string | null;
  title: string;
  description: string;
  /** Why, in one sentence with the measured figures. */
  reason: string;
  /** Overrides the priority derived from the payback. */
  priority?: "low" | "medium" | "high";
  /** EUR per year; null when the rule cannot price it (its reason says why). */
  savingsEur: number | null;
  investmentEur: number;
  /** kg CO2e per year (negative: more emissions). */
  carbonReductionKg: number;
  /** The figures the rule used, by name. */
  inputs: Record<string, unknown>;
}

/** A rule's verdict on one subject. */
export type Outcome =
  | { kind: "fires"; finding: Finding }
  | { kind: "clear"; assetId: string | null; reason: string }
  | { kind: "insufficient"; assetId: string | null; reason: string };

/** A recommendation rule. */
export interface Rule {
  /** Stable name, stored in `recommendations.rule`: one recommendation per site, asset and rule. */
  name: string;
  /** Raised whenever the rule's logic or constants change, so older figures can be told apart. */
  version: number;
  type: typeof RECOMMENDATION_TYPES[number];
  /** The named constants it uses, copied into every recommendation's metadata. */
  constants: Record<string, number | number[] | string[]>;
  evaluate(facts: SiteFacts, prices: SitePrices): Outcome[];
}

/** The derived figures of a finding as stored: rounded, with ROI and payback. */
export interface Figures {
  estimatedSavingsEur: number | null;
  investmentEur: number;
  roiPercent: number | null;
  paybackMonths: number | null;
  carbonReductionKg: number;
  priority: "low" | "medium" | "high";
}

/**
 * ROI = savings / investment x 100 (null without investment or savings); payback = investment / savings x
 * 12 months (0 without investment, null without savings). Priority from the payback
 * ({@linkcode PRIORITY_PAYBACK_MONTHS}) unless the finding sets it.
 */
export function figuresOf(finding: Finding): Figures {
  const savings = finding.savingsEur === null ? null : Math.round(finding.savingsEur);
  const investment = Math.round(finding.investmentEur);
  const roi = savings !== null && savings > 0 && investment > 0 ? round1((savings / investment) * 100) : null;
  const payback = savings === null || savings <= 0
    ? null
    : investment === 0
    ? 0
    : round1((investment / savings) * 12);
  const priority = finding.priority ??
    (payback === null
      ? "low"
      : payback < PRIORITY_PAYBACK_MONTHS.high
      ? "high"
      : payback < PRIORITY_PAYBACK_MONTHS.medium
      ? "medium"
      : "low");
  return {
    estimatedSavingsEur: savings,
    investmentEur: investment,
    roiPercent: roi,
    paybackMonths: payback,
    carbonReductionKg: Math.round(finding.carbonReductionKg),
    priority,
  };
}

/** `in the last 30 days (72 hours measured)`: the window and how much of it had data, for a reason. */
export function measuredOver(facts: SiteFacts, hours = facts.coveredHours): string {
  return `in the last ${facts.window.days} days (${hours} hours measured)`;
}

/** Rounds to one decimal. */
export function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Rounds to two decimals (figures shown in a reason and kept in `inputs`). */
export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
