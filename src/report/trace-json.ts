/**
 * One `mirror-doctor.trace/v1` document as compact JSON, redacted field by field (redactTraceDoc):
 * every string of it passes through `redact()`. The keys are the schema's own, so the text needs no
 * second pass.
 */
import type { TraceDoc } from '../trace/schema.js';
import { redactTraceDoc } from './redact-trace.js';

export function traceDocJson(d: TraceDoc): string {
  return JSON.stringify(redactTraceDoc(d));
}
