/**
 * THE redaction function. Everything mirror-doctor prints (text and JSON) passes through
 * `redact()`; `redactJson()` applies it to every string of a value before serialising.
 *
 * Covered: Authorization / Proxy-Authorization / Cookie / Set-Cookie / X-Registry-Auth header
 * values (as `Name: value`, `name=value` log fields and JSON keys), bearer and basic credentials
 * anywhere, token / access_token / refresh_token / id_token / password / passwd / secret /
 * client_secret / identitytoken / registrytoken / auth values in JSON bodies (also with escaped
 * quotes as they appear inside log fields), query strings and form bodies, `user:password@` in
 * URLs, and `--user`/`-u`/`--creds` arguments. The basic-auth *challenge* (`Basic realm="…"`)
 * is not a secret and is kept.
 */

export const REDACTED = '[REDACTED]';

const SECRET_KEYS = 'access_token|refresh_token|id_token|identity_token|identitytoken|registrytoken|registry_token|client_secret|password|passwd|secret|token|auth|apikey|api_key';
const HEADER_NAMES = 'authorization|proxy-authorization|cookie|set-cookie|x-registry-auth|x-auth-token|x-api-key';

// `Authorization: Basic abc`, `request.header.authorization="Bearer x"`, `"Authorization":"…"`
// only where a header line starts (line start, after a quote, `msg=`, a TTY `INFO[0000] ` prefix,
// `{`, `,`, `;`): "may require authorization: authorization failed" is an error text, not a header
const HEADER_COLON = new RegExp(`((?:^|[\\n"{,;]|\\\\n|msg=|\\]) *(?:${HEADER_NAMES}) *: *)((?:[^\\r\\n"\\\\]|\\\\.)+)`, 'gim');
const HEADER_FIELD = new RegExp(`((?:^|[\\s.])(?:${HEADER_NAMES})(?:\\.[0-9]+)?=)("(?:[^"\\\\]|\\\\.)*"|[^\\s]*)`, 'gi');
const HEADER_JSON = new RegExp(`((?:\\\\?")(?:${HEADER_NAMES})(?:\\\\?")\\s*:\\s*)(\\[[^\\]]*\\]|\\\\?"(?:[^"\\\\]|\\\\[^"]|\\\\"(?![,}\\]\\s]))*\\\\?")`, 'gi');
// credentials in the Authorization schemes, wherever they appear
const BEARER = /\b(Bearer|Basic)(\s+)(?!(?:realm|auth|authorization|token|credentials|scheme|challenge|header|access)\b|\[REDACTED\])([A-Za-z0-9._~+/\-]{4,}=*)/gi;
// JSON keys (plain or escaped quotes): "token": "…", \"password\":\"…\"
const JSON_SECRET = new RegExp(`((?:\\\\*")(?:${SECRET_KEYS})(?:\\\\*")\\s*:\\s*)(\\\\*"(?:[^"\\\\]|\\\\(?!")[^"]?)*\\\\*"|[^,}\\s]+)`, 'gi');
// query strings and form bodies: ?token=…&password=…
const QUERY_SECRET = new RegExp(`((?:^|[?&;\\s"'])(?:${SECRET_KEYS})=)([^&\\s"'#;]*)`, 'gi');
// URLs with credentials: scheme://user:pass@host, and scheme://token@host
const URL_USERINFO = /\b([a-z][a-z0-9+.-]{1,15}:\/\/)([^\s/@"'?#]+)@/gi;
// ctr / nerdctl / crictl credential arguments
const ARG_CREDS = /((?:^|\s|")(?:--user|-u|--creds|--password|-p|--auth)(?:=|\s+|",\s*"))([^\s"]+)/g;

// one pass to decide whether any rule can apply (most strings have no secret-looking word at all)
const TRIGGER = /auth|cookie|bearer|basic|token|passw|secret|@|--user|-u\b|--creds|-p\b|api.?key/i;

/** Replaces every secret in `text` with `[REDACTED]`. Pure; never throws. */
export function redact(text: string): string {
  if (typeof text !== 'string' || text.length === 0) return text;
  if (!TRIGGER.test(text)) return text;
  let s = text;
  s = s.replace(HEADER_JSON, (_m, k: string, v: string) => k + quoteLike(v) + REDACTED + quoteLike(v, true));
  s = s.replace(HEADER_COLON, (_m, k: string) => k + REDACTED);
  s = s.replace(HEADER_FIELD, (_m, k: string, v: string) => k + (v.startsWith('"') ? `"${REDACTED}"` : REDACTED));
  s = s.replace(BEARER, (_m, scheme: string, sp: string) => scheme + sp + REDACTED);
  s = s.replace(JSON_SECRET, (_m, k: string, v: string) => k + (v.includes('"') ? quoteLike(v) + REDACTED + quoteLike(v, true) : REDACTED));
  s = s.replace(QUERY_SECRET, (_m, k: string, v: string) => (v === REDACTED ? k + v : k + REDACTED));
  s = s.replace(URL_USERINFO, (_m, scheme: string) => `${scheme}${REDACTED}@`);
  s = s.replace(ARG_CREDS, (_m, k: string) => k + REDACTED);
  return s;
}

function quoteLike(v: string, closing = false): string {
  // keep the quoting style (", \", \\\") of the original value
  const m = closing ? /(\\*")$/.exec(v) : /^(\\*")/.exec(v);
  return m ? (m[1] as string) : '';
}

/** Deep-copies `value` with every string passed through `redact()`. */
export function redactJson<T>(value: T): T {
  return walk(value, 0) as T;
}

function walk(v: unknown, depth: number): unknown {
  if (typeof v === 'string') return redact(v);
  if (depth > 64 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    out[k] = /^(authorization|proxy-authorization|cookie|set-cookie|password|token|access_token|refresh_token|secret)$/i.test(k) && typeof x === 'string' ? REDACTED : walk(x, depth + 1);
  }
  return out;
}

/** Serialises `value` as JSON with every string redacted, then redacts the text once more. */
export function redactedJsonText(value: unknown, indent = 2): string {
  return redact(JSON.stringify(redactJson(value), null, indent));
}
