/**
 * A trace document as it may leave the machine: every string redacted (redactJson), and the
 * verdict, which quotes the error, written again from the redacted fields. The trace parser
 * redacts nothing; every output of its documents passes through here (or traceDocJson).
 */
import { verdictOf } from '../trace/finalise.js';
import type { TraceDoc } from '../trace/schema.js';
import { redact, redactJson } from './redact.js';

/** `d` itself when nothing in it can be a secret, else a redacted copy. */
export function redactTraceDoc(d: TraceDoc): TraceDoc {
  const safe = redactJson(d);
  if (safe === d) return d;
  return { ...safe, verdict: redact(verdictOf(safe)) };
}
