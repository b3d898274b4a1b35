/**
 * The soak: three DocuChat backends under load and faults, with the
 * invariants checked at the end (`yarn soak`, see the README).
 *
 * @packageDocumentation
 */
export { runSoak, type SoakResult } from './soak';
export { parseOptions, type SoakOptions } from './options';
export {
  checkInvariants,
  formatResults,
  type InvariantResult,
} from './invariants';
export type { SoakRecord } from './record';
