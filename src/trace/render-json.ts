/**
 * One `mirror-doctor.trace/v1` document as compact JSON, redacted: exactly
 * `redactedJsonText(doc, 0)` (every string through `redact()`, serialised, the text through
 * `redact()` once more), written out field by field instead of through a redacting deep copy and
 * `JSON.stringify`: no copy is built, the strings that come from fixed sets (kind, outcome, …) are
 * redacted once per process, and the key names are constants. Equality with `redactedJsonText` is
 * checked by test/unit/trace/render-json.test.ts on every fixture and on fuzzed documents.
 *
 * No key of a TraceDoc is one whose string value `redactJson` replaces outright (authorization,
 * password, token, …), so every value goes through `redact()` like any other string.
 */
import { jsonMayHoldSecret, redact } from '../report/redact.js';
import type { TraceAttempt, TraceDoc } from './schema.js';

// JSON.stringify leaves a string as it is between quotes unless it holds a quote, a backslash, a
// control character or a lone surrogate
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

type Quote = (s: string | null | undefined) => string;

/** JSON text of `s` (JSON.stringify). */
const raw: Quote = (s) => {
  if (s === null || s === undefined) return 'null';
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
};

/** JSON text of `redact(s)`. */
const redacted: Quote = (s) => (s === null || s === undefined ? 'null' : raw(redact(s)));

// values from small fixed sets (code constants, never input text): their JSON text is remembered
function memo(q: Quote): Quote {
  const m = new Map<string, string>();
  return (s) => {
    if (s === null || s === undefined) return 'null';
    let r = m.get(s);
    if (r === undefined) {
      r = q(s);
      if (m.size < 512) m.set(s, r);
    }
    return r;
  };
}
const rawConst = memo(raw);
const redactedConst = memo(redacted);

function num(n: number | null | undefined): string {
  return typeof n === 'number' && Number.isFinite(n) ? String(n) : 'null';
}

function strArray(xs: readonly string[], q: Quote): string {
  if (xs.length === 0) return '[]';
  let o = '[';
  for (let i = 0; i < xs.length; i++) o += (i === 0 ? '' : ',') + q(xs[i]);
  return o + ']';
}

function attemptJson(a: TraceAttempt, q: Quote, c: Quote): string {
  return (
    `{"host":${q(a.host)},"url":${q(a.url)},"method":${q(a.method)},"kind":${c(a.kind)}` +
    `,"mirror":${a.mirror === true},"status":${num(a.status)},"outcome":${c(a.outcome)},"error":${q(a.error)}` +
    `,"path":${q(a.path)},"digest":${q(a.digest)},"viaProxy":${a.viaProxy === true},"challenge":${q(a.challenge)}` +
    `,"inferred":${q(a.inferred)},"evidence":${c(a.evidence)},"line":${num(a.line)}}`
  );
}

/** The document's JSON text with every input-derived string through `q` and every constant through `c`. */
function docJson(d: TraceDoc, q: Quote, c: Quote): string {
  const s = d.source;
  let o = `{"schema":${c(d.schema)},"source":{"kind":${c(s.kind)},"containerdVersion":${q(s.containerdVersion)},"mode":${c(s.mode)},"formats":${strArray(s.formats, c)},"joined":${s.joined === true}}`;
  o += `,"ref":${q(d.ref)},"hostsDir":${q(d.hostsDir)},"hostsTomlErrors":[`;
  for (let i = 0; i < d.hostsTomlErrors.length; i++) {
    const e = d.hostsTomlErrors[i] as TraceDoc['hostsTomlErrors'][number];
    o += `${i === 0 ? '' : ','}{"dir":${q(e.dir)},"error":${q(e.error)}}`;
  }
  o += '],"attempts":[';
  for (let i = 0; i < d.attempts.length; i++) o += (i === 0 ? '' : ',') + attemptJson(d.attempts[i] as TraceAttempt, q, c);
  o += `],"resolved":{"host":${q(d.resolved.host)},"digest":${q(d.resolved.digest)}},"blobHosts":${strArray(d.blobHosts, q)}`;
  o += `,"mirrorUsed":${d.mirrorUsed === true},"result":${c(d.result)},"error":${q(d.error)},"lines":{"first":${num(d.lines.first)},"last":${num(d.lines.last)}},"fallback":[`;
  for (let i = 0; i < d.fallback.length; i++) {
    const f = d.fallback[i] as TraceDoc['fallback'][number];
    o += `${i === 0 ? '' : ','}{"from":${q(f.from)},"to":${q(f.to)},"reason":${c(f.reason)}}`;
  }
  o += `],"warnings":${strArray(d.warnings, q)},"daemon":{"criConfigPath":${q(d.daemon.criConfigPath)},"pluginErrors":[`;
  for (let i = 0; i < d.daemon.pluginErrors.length; i++) {
    const e = d.daemon.pluginErrors[i] as TraceDoc['daemon']['pluginErrors'][number];
    o += `${i === 0 ? '' : ','}{"plugin":${q(e.plugin)},"error":${q(e.error)}}`;
  }
  return o + `]},"verdict":${q(d.verdict)}}`;
}

/**
 * `redactedJsonText(doc, 0)` for a TraceDoc, faster. The plain JSON text is built first: when it
 * cannot hold a secret (jsonMayHoldSecret: nor can any of its strings), redacting each string and
 * then the text would change nothing, and it is the answer. Otherwise every string is redacted,
 * and the text once more.
 */
export function traceDocJson(d: TraceDoc): string {
  const plain = docJson(d, raw, rawConst);
  if (!jsonMayHoldSecret(plain)) return plain;
  return redact(docJson(d, redacted, redactedConst));
}
