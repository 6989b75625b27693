/** A check: a pure function of the facts (and what the emulation derives from them). */
import type { Derived } from './derived.js';
import type { Facts } from './facts.js';
import type { Finding } from './finding.js';

export interface Check {
  /** the id of the findings it reports (registry.ts) */
  id: string;
  /** returns nothing when the check does not apply (skipped, not failed) */
  run(facts: Facts, derived: Derived): Finding[];
}
