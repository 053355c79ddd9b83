/**
 * The two constants the confusables table's encoder (scripts/confusables_format.ts) and its
 * decoder (skeleton.ts) share. A module of its own, importing nothing, so the generator still
 * runs when the generated table is missing or broken.
 */

/** Added to each distance between sources, so that most distances are printable ASCII. */
export const SOURCE_OFFSET = 0x20;
/** Added to each prototype's length, so that lengths read as digits (`1` for one unit). */
export const LENGTH_OFFSET = 0x30;
