/**
 * The wire format island props travel in, shared by `stringify.ts` (server) and
 * `parse.ts` (browser).
 *
 * The payload is a flat table of values. Entry 0.. are referred to by index, so an
 * object (or signal) reached twice is sent once and revived as one object. An entry is
 * a JSON primitive; an array of indexes (an array); an object of indexes (a plain
 * object); or a tagged array `[tag, ...]` (Date, URL, Map, Set, Signal, BigInt, Slot).
 * Values JSON cannot hold are negative indexes.
 *
 * @module
 */

/** Negative indexes standing for values JSON cannot represent. */
export const UNDEFINED = -1;
/** `NaN`. */
export const NAN = -2;
/** `Infinity`. */
export const POSITIVE_INFINITY = -3;
/** `-Infinity`. */
export const NEGATIVE_INFINITY = -4;
/** `-0`. */
export const NEGATIVE_ZERO = -5;

/** Tags of tagged entries. */
export type Tag = "Date" | "URL" | "Map" | "Set" | "Signal" | "BigInt" | "Slot";
