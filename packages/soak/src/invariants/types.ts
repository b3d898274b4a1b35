/** What a checker found: its figures, printed whatever the outcome, and each breach. */
export interface InvariantResult {
  name: string;
  figures: string[];
  /** Empty when the invariant holds. */
  breaches: string[];
}

/** Breaches printed in full up to this many; the rest are counted. */
export const SHOWN_BREACHES = 15;

export const formatNumber = (n: number) => n.toLocaleString('en-US');
