/**
 * The checklist's public API (pure): run every check over one node's Facts.
 *
 *   const run = runChecks(facts, { ignore: parseIgnore(opts.ignore), strict });
 *   run.findings (by layer, worst first) · run.rootCause · run.status · run.summary · run.exitCode
 */
export { runChecks, parseIgnore, sortFindings, UnknownCheckIdError, ALL_CHECKS, type RunOptions, type CheckRun } from './run.js';
export { rootCause, rankCauses, CAUSE_ORDER } from './root-cause.js';
export { CHECKS, CHECKS_DOC, LAYERS, checkInfo, checkIds, isCheckId, type CheckInfo } from './registry.js';
export { derive, type Derived, type HostDirView } from './derived.js';
export type { Check } from './types.js';
export { CRASH_ID, type Finding, type Evidence, type Severity, type Layer } from './finding.js';
export type { Facts } from './facts.js';
