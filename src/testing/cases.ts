/**
 * The conformance cases: what every NLBHandler must do, through its real code path. Each case gets a
 * fresh world, so no case depends on another's leftovers. Cases throw ConformanceFailure on a breach.
 */
import type { ConformanceCase } from './case.js';
import { addressFamilyCases } from './cases-address-family.js';
import { adoptionCases } from './cases-adoption.js';
import { drainingCases } from './cases-draining.js';
import { hashFieldCases } from './cases-hash-fields.js';
import { hostileInputCases } from './cases-hostile-input.js';
import { lifecycleCases } from './cases-lifecycle.js';
import { nameCases } from './cases-names.js';
import { safetyCases } from './cases-safety.js';

export type { ConformanceCase } from './case.js';

/** Every conformance case, in the order the suite runs them. */
export const conformanceCases: ConformanceCase[] = [
  ...lifecycleCases,
  ...safetyCases,
  ...nameCases,
  ...hostileInputCases,
  ...hashFieldCases,
  ...addressFamilyCases,
  // Issue 20: draining, adoption.
  ...drainingCases,
  ...adoptionCases,
];
