/**
 * The recommendation rules, in the order they run. A rule's name is stored with what it writes; its
 * module documents its figures and constants.
 * @module
 */
import type { Rule } from "../rule.ts";
import { daytimeSolar } from "./daytime_solar.ts";
import { gridCapacityPeak } from "./grid_capacity_peak.ts";
import { idleStorage } from "./idle_storage.ts";
import { lowPowerFactor } from "./low_power_factor.ts";
import { peakLoadShift } from "./peak_load_shift.ts";

export { daytimeSolar, gridCapacityPeak, idleStorage, lowPowerFactor, peakLoadShift };

/** Every rule. */
export const RULES: readonly Rule[] = [
  lowPowerFactor,
  daytimeSolar,
  idleStorage,
  gridCapacityPeak,
  peakLoadShift,
];
