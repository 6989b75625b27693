/**
 * Redaction of configuration files, on top of {@link redact} (which knows log lines, headers as
 * they travel, JSON bodies and URLs but not TOML assignments):
 *
 * - `redactConfigText`: in config.toml / hosts.toml text, the values of `auth`, `password`,
 *   `identitytoken` (and other secret-named keys) and every value under a `header`/`headers`
 *   table or inline table, and every value of an `auth`/`auths` table except `username`, become
 *   `"[REDACTED]"`. Line count and line numbers are kept, so excerpts still point at the file.
 *   PEM private keys are cut out as well.
 * - `collectConfigSecrets`: the literal secret values found that way (and the decoded parts of
 *   base64 `auth` values and `Basic` headers), so that `scrubSecrets` can remove them from any
 *   other text that quotes them — a custom header echoed by `--http-dump`, a finding's evidence.
 *
 * Every report passes through `redactReportText` / `redactReportJson` (= redact + scrub).
 */
import type { Facts } from '../checks/facts.js';
import type { NodeSnapshot } from '../containerd/node-snapshot.js';
import { redact, redactJson, REDACTED } from './redact.js';

const SECRET_KEY = /^(auth|password|passwd|identitytoken|identity_token|registrytoken|registry_token|token|secret|client_secret|access_token|refresh_token|api_key|apikey)$/i;
const HEADER_SEGMENT = /^headers?$/i;
const AUTH_SEGMENT = /^auths?$/i;
const PRIVATE_KEY = /(-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----)[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----)/g;

/** Splits a TOML dotted key (`a."b.c".d`, `'x'`) into its segments. */
export function keySegments(key: string): string[] {
  const out: string[] = [];
  let i = 0;
  const s = key.trim();
  while (i < s.length) {
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (s[i] === '"') {
      let j = i + 1;
      let seg = '';
      while (j < s.length && s[j] !== '"') {
        if (s[j] === '\\' && j + 1 < s.length) j++;
        seg += s[j];
        j++;
      }
      out.push(seg);
      i = j + 1;
    } else if (s[i] === "'") {
      const j = s.indexOf("'", i + 1);
      out.push(s.slice(i + 1, j < 0 ? s.length : j));
      i = j < 0 ? s.length : j + 1;
    } else {
      let j = i;
      while (j < s.length && s[j] !== '.' && s[j] !== ' ' && s[j] !== '\t') j++;
      out.push(s.slice(i, j));
      i = j;
    }
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (s[i] === '.') i++;
  }
  return out.filter((x) => x !== '');
}

/** Is the value at this full key path a secret? */
function secretPath(path: string[]): boolean {
  if (path.length === 0) return false;
  const last = path[path.length - 1]!;
  if (SECRET_KEY.test(last)) return true;
  if (path.slice(0, -1).some((s) => HEADER_SEGMENT.test(s))) return true;
  if (HEADER_SEGMENT.test(last)) return true;
  if (path.slice(0, -1).some((s) => AUTH_SEGMENT.test(s)) && !/^username$/i.test(last)) return true;
  return false;
}

/** Authorization schemes whose last word is the credential. */
const AUTH_SCHEME = /^(bearer|basic|token|digest|negotiate|bot|apikey|api-key)$/i;

const CREDENTIAL_FLAG = /^(--user|-u|--creds|--password|-p|--auth|--registry-token|--token)$/;

const STRING_LITERAL = /"(?:[^"\\\n]|\\.)*"|'[^'\n]*'/g;

function unquote(lit: string): string {
  if (lit.startsWith("'")) return lit.slice(1, -1);
  try {
    return JSON.parse(lit) as string;
  } catch {
    return lit.slice(1, -1);
  }
}

/** Net bracket depth of a value fragment, ignoring brackets inside strings. */
function depthOf(fragment: string): number {
  let d = 0;
  const bare = fragment.replace(STRING_LITERAL, '""').replace(/#.*$/, '');
  for (const c of bare) {
    if (c === '[' || c === '{') d++;
    else if (c === ']' || c === '}') d--;
  }
  return d;
}

interface Scan {
  text: string;
  secrets: string[];
}

/** Walks TOML text line by line; redacts secret values and collects them. */
function scanConfig(text: string): Scan {
  const lines = text.split('\n');
  const secrets: string[] = [];
  let table: string[] = [];
  let continuing = 0; // open brackets of a secret value spanning lines
  let multiline: '"""' | "'''" | null = null; // inside a secret multi-line string
  const redactLiterals = (fragment: string): string =>
    fragment.replace(STRING_LITERAL, (lit) => {
      secrets.push(unquote(lit));
      return lit.startsWith("'") ? `'${REDACTED}'` : `"${REDACTED}"`;
    });
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (multiline) {
      const end = line.indexOf(multiline);
      secrets.push(end < 0 ? line : line.slice(0, end));
      lines[i] = end < 0 ? '' : `${REDACTED}${line.slice(end)}`;
      if (end >= 0) multiline = null;
      continue;
    }
    if (continuing > 0) {
      lines[i] = redactLiterals(line);
      continuing += depthOf(line);
      continue;
    }
    const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$/.exec(line);
    if (header) {
      table = keySegments(header[1]!);
      continue;
    }
    const kv = /^(\s*)((?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+))*)(\s*=\s*)(.*)$/.exec(line);
    if (!kv) continue;
    const [, indent, key, eq, value] = kv as unknown as [string, string, string, string, string];
    const full = [...table, ...keySegments(key)];
    // an inline table whose own keys are secret (`x = { password = "…" }`) or that sits under a header/auth path
    const inlineSecret = /^\s*\{/.test(value) && (HEADER_SEGMENT.test(full[full.length - 1] ?? '') || AUTH_SEGMENT.test(full[full.length - 1] ?? ''));
    if (!secretPath(full) && !inlineSecret) {
      // inline tables with secret keys inside: `configs = { "r" = { auth = "…" } }`
      if (/[{,]\s*(?:"?)(auth|password|identitytoken|token|secret)(?:"?)\s*=/i.test(value)) {
        lines[i] = indent + key + eq + value.replace(/((?:^|[{,])\s*"?(?:auth|password|passwd|identitytoken|token|secret)"?\s*=\s*)("(?:[^"\\]|\\.)*"|'[^']*')/gi, (_m, k: string, lit: string) => {
          secrets.push(unquote(lit));
          return `${k}"${REDACTED}"`;
        });
      }
      continue;
    }
    const ml = /^\s*("""|''')/.exec(value);
    if (ml) {
      const q = ml[1] as '"""' | "'''";
      const rest = value.slice(value.indexOf(q) + 3);
      const end = rest.indexOf(q);
      if (end >= 0) {
        secrets.push(rest.slice(0, end));
        lines[i] = `${indent}${key}${eq}"${REDACTED}"`;
      } else {
        secrets.push(rest);
        lines[i] = `${indent}${key}${eq}${q}${REDACTED}`;
        multiline = q;
      }
      continue;
    }
    const redacted = redactLiterals(value);
    lines[i] = indent + key + eq + (redacted === value && value.trim() !== '' && !/^[[{]/.test(value.trim()) ? `"${REDACTED}"` : redacted);
    if (redacted === value && value.trim() !== '' && !/^[[{]/.test(value.trim())) secrets.push(value.replace(/#.*$/, '').trim());
    continuing = Math.max(0, depthOf(value));
  }
  return { text: lines.join('\n').replace(PRIVATE_KEY, `$1\n${REDACTED}\n$2`), secrets };
}

/** config.toml / hosts.toml text with every secret value replaced; line numbers unchanged. */
export function redactConfigText(text: string): string {
  if (typeof text !== 'string' || text === '') return text;
  return redact(scanConfig(text).text);
}

function decodedParts(v: string): string[] {
  const out: string[] = [];
  const candidates = [v, ...v.split(/\s+/).slice(1)];
  for (const c of candidates) {
    if (!/^[A-Za-z0-9+/=_-]{8,}$/.test(c)) continue;
    try {
      const d = Buffer.from(c, 'base64').toString('utf8');
      if (!/^[\x20-\x7e]+$/.test(d)) continue;
      out.push(d);
      const colon = d.indexOf(':');
      if (colon >= 0) out.push(d.slice(colon + 1));
    } catch {
      /* not base64 */
    }
  }
  return out;
}

/** The secret values written in a config text (and their decoded parts), for scrubbing. */
export function configSecrets(text: string): string[] {
  const { secrets } = scanConfig(text);
  const out = new Set<string>();
  for (const s of secrets) {
    const v = s.trim();
    if (v.length < 4 || v === REDACTED) continue;
    out.add(v);
    // `Bearer abc`, `Basic abc`: the token alone may appear elsewhere. Only after an auth scheme:
    // the last word of any value ("custom header") would scrub that word from every report.
    const parts = v.split(/\s+/);
    if (parts.length > 1 && AUTH_SCHEME.test(parts[0]!) && parts[parts.length - 1]!.length >= 4) out.add(parts[parts.length - 1]!);
    for (const d of decodedParts(v)) if (d.length >= 4) out.add(d);
  }
  for (const m of text.matchAll(PRIVATE_KEY)) out.add(m[0]);
  return [...out];
}

/** Every secret in the text files of a node snapshot. */
export function collectConfigSecrets(snapshot: NodeSnapshot): string[] {
  const out = new Set<string>();
  for (const e of Object.values(snapshot.entries)) {
    if (e.kind === 'file' && e.content?.kind === 'text') for (const s of configSecrets(e.content.text)) out.add(s);
  }
  return [...out].sort((a, b) => b.length - a.length);
}

/** Replaces every known secret literal (plain and JSON-escaped) in `text`. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  if (typeof text !== 'string' || secrets.length === 0) return text;
  let s = text;
  for (const secret of secrets) {
    if (!secret) continue;
    s = s.split(secret).join(REDACTED);
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret) s = s.split(escaped).join(REDACTED);
  }
  return s;
}

/** Report text: the log/header redaction, then the node's known secrets. */
export function redactReportText(text: string, secrets: readonly string[]): string {
  return scrubSecrets(redact(text), secrets);
}

function scrubWalk(v: unknown, secrets: readonly string[], depth: number): unknown {
  if (typeof v === 'string') return scrubSecrets(v, secrets);
  if (depth > 64 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    // an argument array: the value after a credential flag is a secret (`--user`, `bob:pass`)
    return v.map((x, i) => (typeof x === 'string' && i > 0 && typeof v[i - 1] === 'string' && CREDENTIAL_FLAG.test(v[i - 1] as string) ? REDACTED : scrubWalk(x, secrets, depth + 1)));
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = scrubWalk(x, secrets, depth + 1);
  return out;
}

/** A JSON value with every string redacted and scrubbed. */
export function redactReportJson<T>(value: T, secrets: readonly string[]): T {
  return scrubWalk(redactJson(value), secrets, 0) as T;
}

/**
 * Facts safe to save or attach: file texts through {@link redactConfigText} (systemd units and
 * environment files through {@link redact}), then every string redacted and scrubbed.
 */
export function redactFacts(facts: Facts, secrets: readonly string[] = collectConfigSecrets(facts.snapshot)): Facts {
  const entries: NodeSnapshot['entries'] = {};
  for (const [p, e] of Object.entries(facts.snapshot.entries)) {
    entries[p] = e.kind === 'file' && e.content?.kind === 'text' ? { ...e, content: { kind: 'text', text: redactConfigText(e.content.text) } } : e;
  }
  const copy: Facts = { ...facts, snapshot: { ...facts.snapshot, entries } };
  if (copy.daemon.systemd) {
    copy.daemon = { ...copy.daemon, systemd: { ...copy.daemon.systemd, files: copy.daemon.systemd.files.map((f) => ({ path: f.path, text: redact(f.text) })) } };
  }
  return redactReportJson(copy, secrets);
}
