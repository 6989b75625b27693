/**
 * One `mirror-doctor.trace/v1` document as compact JSON, redacted: the same text as
 * `redactedJsonText(redactTraceDoc(doc), 0)`, faster. A text that no rule of `redact()` can touch
 * (`jsonMayHoldSecret`, one scan) is printed as JSON.stringify wrote it; JSON escaping keeps what
 * the rules look for, so no string in it could be touched either. test/unit/report/trace-json.test.ts
 * checks the equality on every fixture and on documents full of secrets.
 */
import type { TraceDoc } from '../trace/schema.js';
import { jsonMayHoldSecret, redact } from './redact.js';
import { redactTraceDoc } from './redact-trace.js';

/** `redactedJsonText(d, 0)` for a TraceDoc, faster. */
export function traceDocJson(d: TraceDoc): string {
  const plain = JSON.stringify(d);
  if (!jsonMayHoldSecret(plain)) return plain;
  // redactedJsonText is redact(JSON.stringify(redactJson(d))); when redactJson changes nothing
  // (a word like "authorization" in an error, a `Basic realm=…` challenge: most documents here),
  // it returns `d` itself, whose JSON text is `plain`
  const safe = redactTraceDoc(d);
  return redact(safe === d ? plain : JSON.stringify(safe));
}
