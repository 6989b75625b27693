/**
 * One `mirror-doctor.trace/v1` document as compact JSON, redacted: exactly
 * `redactedJsonText(doc, 0)` (every string through `redact()`, serialised, the text through
 * `redact()` once more), faster.
 *
 * The plain JSON text comes first, from V8's own `JSON.stringify` (as fast as the field-by-field
 * writer it replaced, measured, and with no key order to keep in step by hand). When no rule of
 * `redact()` can apply to it (`jsonMayHoldSecret`), none can apply to any string in it either
 * (each string's JSON form is part of the text, and JSON escaping keeps what the rules' gates look
 * for): redacting each string and then the text would change nothing, and the plain text is the
 * answer. That also covers a key whose value `redactJson` replaces outright (`"token":…`,
 * `"authorization":…`): its name in the text passes a gate. Otherwise (about one document in six
 * of the benchmark log, for an error that says "authorization" or a `Basic realm=…` challenge)
 * the text is redacted as `redactedJsonText` would, without a second serialisation when
 * `redactJson` changes nothing (it then returns the document itself).
 * Equality is checked by test/unit/report/trace-json.test.ts on every fixture and on documents
 * full of secrets.
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
