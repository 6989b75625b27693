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
 *
 * Keyed on where a value sits, not only on its name: every header value (a `--http-dump` header
 * line, a `request.header.*` / `response.header.*` log field, a JSON `header`/`headers` object)
 * except those of the few standard headers in SAFE_HEADERS, and any userinfo, in a URL
 * (`scheme://user:pw@`) or bare (`user:pw@host`, `token@host:port`, as proxy variables take it).
 */

export const REDACTED = '[REDACTED]';

const SECRET_KEYS = 'access_token|refresh_token|id_token|identity_token|identitytoken|registrytoken|registry_token|client_secret|password|passwd|secret|token|auth|apikey|api_key';
// the credentials of a pre-signed URL (a blob redirect's Location: S3, GCS, Azure)
const SIGNED_URL_KEYS = 'x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential|signature|sig';
const HEADER_NAMES = 'authorization|proxy-authorization|cookie|set-cookie|x-registry-auth|x-auth-token|x-api-key';

/**
 * Headers whose values are kept wherever a header value is redacted: standard ones that carry no
 * credential and that the evidence needs (what was asked, what answered). Every other header value
 * — `PRIVATE-TOKEN`, `X-Custom-Auth`, a hosts.toml `[host.….header]`, config.toml
 * `registry.headers` — is a secret by position.
 */
const SAFE_HEADERS = new Set([
  'accept', 'accept-encoding', 'accept-ranges', 'age', 'cache-control', 'connection', 'content-encoding', 'content-length',
  'content-range', 'content-type', 'date', 'docker-content-digest', 'docker-distribution-api-version', 'docker-upload-uuid',
  'etag', 'expires', 'host', 'last-modified', 'location', 'range', 'retry-after', 'server', 'strict-transport-security',
  'transfer-encoding', 'user-agent', 'vary', 'via', 'www-authenticate', 'x-content-type-options',
]);

/** Whether a header's value is kept (a standard header that carries no credential). */
export function isSafeHeader(name: string): boolean {
  return SAFE_HEADERS.has(name.toLowerCase());
}

// `Authorization: Basic abc`, `request.header.authorization="Bearer x"`, `"Authorization":"…"`
// only where a header line starts (line start, after a quote, `msg=`, a TTY `INFO[0000] ` prefix,
// `{`, `,`, `;`): "may require authorization: authorization failed" is an error text, not a header
const HEADER_COLON = new RegExp(`((?:^|[\\n"{,;]|\\\\n|msg=|\\]) *(?:${HEADER_NAMES}) *: *)((?:[^\\r\\n"\\\\]|\\\\.)+)`, 'gim');
const HEADER_FIELD = new RegExp(`((?:^|[\\s.])(?:${HEADER_NAMES})(?:\\.[0-9]+)?=)("(?:[^"\\\\]|\\\\.)*"|[^\\s]*)`, 'gi');
const HEADER_JSON = new RegExp(`((?:\\\\?")(?:${HEADER_NAMES})(?:\\\\?")\\s*:\\s*)(\\[(?:[^\\]"\\\\]|\\\\?"(?:[^"\\\\]|\\\\[^"])*\\\\?")*\\]|\\\\?"(?:[^"\\\\]|\\\\[^"]|\\\\"(?![,}\\]\\s]))*\\\\?")`, 'gi');
// any header's value as containerd logs it: `request.header.private-token=x`, `response.header.set-cookie="…"`
const ANY_HEADER_FIELD = /((?:^|[\s"{,])(?:request|response)\.header\.([A-Za-z0-9_-]{1,64})(?:\.[0-9]+)?=)("(?:[^"\\]|\\.)*"|\\"(?:[^"\\]|\\[^"])*\\"|[^\s"\\]*)/g;
// any header line of a `--http-dump`, as logrus writes it: `msg="PRIVATE-TOKEN: x"`, `INFO[0000] X-Custom-Auth: x`,
// and JSON-escaped (`msg=\"…\"`, a journal entry's MESSAGE)
const DUMP_HEADER_MSG = /(msg="([A-Za-z][A-Za-z0-9_-]{0,63}): ?)((?:[^"\\\r\n]|\\.)*)/g;
const DUMP_HEADER_MSG_ESCAPED = /(msg=\\"([A-Za-z][A-Za-z0-9_-]{0,63}): ?)((?:[^"\\\r\n]|\\[^"])*)/g;
const DUMP_HEADER_TTY = /(\[[0-9]{4,}\] +([A-Za-z][A-Za-z0-9_-]{0,63}): ?)((?:[^"\\\r\n]|\\(?![n"\\]))*)/g;
// credentials in the Authorization schemes, wherever they appear
const BEARER = /\b(Bearer|Basic)(\s+)(?!(?:realm|auth|authorization|token|credentials|scheme|challenge|header|access)\b|\[REDACTED\])([A-Za-z0-9._~+/\-]{4,}=*)/gi;
// JSON keys (plain or escaped quotes): "token": "…", \"password\":\"…\"
const JSON_SECRET = new RegExp(`((?:\\\\*")(?:${SECRET_KEYS})(?:\\\\*")\\s*:\\s*)(\\\\*"(?:[^"\\\\]|\\\\(?!")[^"]?)*\\\\*"|[^,}\\s]+)`, 'gi');
// query strings and form bodies: ?token=…&password=…; the value stops at a backslash too, so the
// escaped quote that ends a URL inside JSON text (`…&X-Amz-Signature=abc\"`) stays escaped
const QUERY_SECRET = new RegExp(`((?:^|[?&;\\s"'])(?:${SECRET_KEYS}|${SIGNED_URL_KEYS})=)([^&\\s"'#;\\\\]*)`, 'gi');
// URLs with credentials: scheme://user:pass@host, and scheme://token@host (to the last `@` before the
// host: a password may hold one)
const URL_USERINFO = /\b([a-z][a-z0-9+.-]{1,15}:\/\/)([^\s/"'?#]+)@/gi;
// userinfo without a scheme, as Go's proxy variables accept it: `user:pw@host[:port]`, and
// `token@host:port` (a port is needed there, so `someone@example.com` stays); never an image
// reference's `name:tag@sha256:…`
const BARE_USERINFO = /(^|[\s"'=,;({<>|`&])([^\s/@"'?#=,;:(){}<>|`&[\]\\\x00-\x1f]+:[^\s/"'?#`\\,;<>|&\x00-\x1f]*|[^\s/@"'?#=,;:(){}<>|`&[\]\\\x00-\x1f]+(?=@(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*):[0-9]))@(?!sha[0-9]+:|[\s"'\\]|$)/g;
// ctr / nerdctl / crictl / docker / curl credential arguments (also as JSON argument arrays:
// `"--creds", "u:p"`). The long options always carry a secret; the short ones only in their
// credential forms, so that fix steps and evidence such as `mkdir -p /etc/containerd/certs.d/…`,
// `ps -p 812` or `systemctl show containerd -p Environment` stay usable: `-u` when its value is
// user:password, `-p` on a line that runs a `login` (a password after `docker/nerdctl login`)
const ARG_CREDS = /((?:^|\s|")(?:--user|--creds|--password|--auth)(?:=|\s+|",\s*"))([^\s"]+)/g;
const ARG_USER_PASS = /((?:^|\s|")-u(?:=|\s+|",\s*"))([^\s":]*:[^\s"]*)/g;
const ARG_PASS = /((?:\s|")-p(?:=|\s+|",\s*"))([^\s"]+)/g;
const LOGIN = /\blogin\b/;

// Cheap necessary conditions, one per group of rules, checked on the current text right before the
// group runs: a rule whose condition fails cannot match, so skipping it changes nothing. (A string
// that passes one usually does so for a word like "Basic realm", and then only one or two of the
// eight rules need to scan it.)
// HEADER_JSON / HEADER_COLON / HEADER_FIELD all need a header name (proxy-authorization and
// set-cookie contain authorization and cookie)
const GATE_HEADER = /authorization|cookie|x-registry-auth|x-auth-token|x-api-key/i;
// BEARER needs its scheme word
const GATE_BEARER = /bearer|basic/i;
// JSON_SECRET needs a secret key followed by `\` or `"`, QUERY_SECRET one followed by `=`; every
// SECRET_KEYS alternative ends in one of these words
const GATE_SECRET = /(?:token|secret|passw(?:or)?d|auth|api_?key|sig|signature|credential)[\\"=]/i;
// ARG_CREDS (case-sensitive): one of its options followed by `=`, whitespace or `"` (so not by a
// letter or digit: "tls-unknown-authority" cannot match)
const GATE_ARG = /--user|--password|--creds|--auth|-[up](?![A-Za-z0-9_])/;

// ANY_HEADER_FIELD and the DUMP_HEADER rules need a header field or a header line's start (JSON
// escaping keeps `.header.`, `msg=` followed by backslashes and `"`, and `[0000] `)
const GATE_ANY_HEADER = /\.header\.|msg=\\*"[A-Za-z][A-Za-z0-9_-]{0,63}:|\[[0-9]{4,}\] +[A-Za-z][A-Za-z0-9_-]{0,63}:/;
// BARE_USERINFO needs `user:…@` (the last `:` before its `@`, so that the scan stays linear) or `…@host:port`
const GATE_BARE_USERINFO = /:[^\s/"'?#`\\@:]*@|@(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*):[0-9]/;

// Every rule needs one of the gates above to pass, or a `://` with an `@` after it (URL_USERINFO):
// when neither holds, nothing can change, and a single scan of the text (this union of the gates,
// case-blind, so a superset of GATE_ARG too) says so. Most strings fail it, also the ones with a
// word like "unauthorized" or "tls-unknown-authority" that only look like secrets.
const ANY_GATE = new RegExp([GATE_HEADER, GATE_BEARER, GATE_SECRET, GATE_ARG, GATE_ANY_HEADER, GATE_BARE_USERINFO].map((r) => r.source).join('|'), 'i');
// the same with `@` as one more alternative: a single scan that fails for nearly every text (an
// `indexOf('@')` after every `://` was a second scan of each URL)
const ANY_GATE_OR_AT = new RegExp(`${ANY_GATE.source}|@`, 'i');

/** A `://` with an `@` somewhere after it: URL_USERINFO's necessary condition. */
function hasUrlAt(s: string): boolean {
  const cs = s.indexOf('://');
  return cs > 0 && s.indexOf('@', cs) > 0;
}

// A text no rule can change, found in one scan of a character class (most strings of a trace: hosts,
// digests, URLs and paths). Every rule needs one of whitespace, a quote, `=`, `@`, `[`, `]`, `\`, `{`,
// `,`, `;` or `&`, except HEADER_COLON at the very start (`authorization:x`), excluded by the
// lookahead; the one `=` let through is a trailing `?ns=…` (containerd's mirror query), which no
// rule's key or header name ends in. test/unit/trace/redact-gates.test.ts holds every rule to this.
const PLAIN = new RegExp(`^(?!(?:${HEADER_NAMES}) *:)[^\\s"'=@[\\]\\\\{},;&]*(?:\\?ns=[^\\s"'=@[\\]\\\\{},;&?]*)?$`, 'i');

/** Whether `redact(text)` may differ from `text` (false: it is certainly unchanged). */
export function mayRedact(text: string): boolean {
  if (PLAIN.test(text)) return false;
  return ANY_GATE_OR_AT.test(text) && (ANY_GATE.test(text) || hasUrlAt(text));
}

/** Replaces every secret in `text` with `[REDACTED]`. Pure; never throws. */
export function redact(text: string): string {
  if (typeof text !== 'string' || text.length === 0) return text;
  if (!mayRedact(text)) return text;
  let s = text;
  if (GATE_HEADER.test(s)) {
    s = s.replace(HEADER_JSON, headerJsonValue);
    s = s.replace(HEADER_COLON, (_m, k: string) => k + REDACTED);
    s = s.replace(HEADER_FIELD, (_m, k: string, v: string) => k + (v.startsWith('"') ? `"${REDACTED}"` : REDACTED));
  }
  if (GATE_BEARER.test(s)) s = s.replace(BEARER, (_m, scheme: string, sp: string) => scheme + sp + REDACTED);
  if (GATE_SECRET.test(s)) {
    s = s.replace(JSON_SECRET, (_m, k: string, v: string) => k + (v.includes('"') ? quoteLike(v) + REDACTED + quoteLike(v, true) : REDACTED));
    s = s.replace(QUERY_SECRET, (_m, k: string, v: string) => (v === REDACTED ? k + v : k + REDACTED));
  }
  if (GATE_ANY_HEADER.test(s)) s = redactAnyHeader(s);
  if (hasUrlAt(s)) s = s.replace(URL_USERINFO, (_m, scheme: string) => `${scheme}${REDACTED}@`);
  if (GATE_BARE_USERINFO.test(s)) s = s.replace(BARE_USERINFO, bareUserinfo);
  if (GATE_ARG.test(s)) s = redactArgs(s);
  return s;
}

/** A header's JSON value replaced in the same quoting: a string, or an array (as one string in it). */
function headerJsonValue(_m: string, k: string, v: string): string {
  if (!v.startsWith('[')) return k + quoteLike(v) + REDACTED + quoteLike(v, true);
  const q = /\\*"/.exec(v)?.[0] ?? '"';
  return `${k}[${q}${REDACTED}${q}]`;
}

function redactAnyHeader(s: string): string {
  s = s.replace(ANY_HEADER_FIELD, (m, k: string, name: string, v: string) => (isSafeHeader(name) ? m : k + (v.startsWith('\\"') ? `\\"${REDACTED}\\"` : v.startsWith('"') ? `"${REDACTED}"` : REDACTED)));
  const line = (m: string, k: string, name: string, v: string) => (isSafeHeader(name) || v === '' ? m : k + REDACTED);
  return s.replace(DUMP_HEADER_MSG, line).replace(DUMP_HEADER_MSG_ESCAPED, line).replace(DUMP_HEADER_TTY, line);
}

function bareUserinfo(_m: string, before: string): string {
  return `${before}${REDACTED}@`;
}

// the words every rule needs one of (the reference below runs every rule when one is present)
const TRIGGER = /auth|cookie|bearer|basic|token|passw|secret|sig|credential|@|--user|-u\b|--creds|-p\b|api.?key|\.header\.|msg=|\] /i;

/**
 * `redact()` without its gates: every rule runs whenever TRIGGER matches. The reference that
 * test/unit/trace/redact-gates.test.ts compares `redact()` with; not used for output.
 */
export function redactEveryRule(text: string): string {
  if (typeof text !== 'string' || text.length === 0) return text;
  if (!TRIGGER.test(text)) return text;
  let s = text;
  s = s.replace(HEADER_JSON, headerJsonValue);
  s = s.replace(HEADER_COLON, (_m, k: string) => k + REDACTED);
  s = s.replace(HEADER_FIELD, (_m, k: string, v: string) => k + (v.startsWith('"') ? `"${REDACTED}"` : REDACTED));
  s = s.replace(BEARER, (_m, scheme: string, sp: string) => scheme + sp + REDACTED);
  s = s.replace(JSON_SECRET, (_m, k: string, v: string) => k + (v.includes('"') ? quoteLike(v) + REDACTED + quoteLike(v, true) : REDACTED));
  s = s.replace(QUERY_SECRET, (_m, k: string, v: string) => (v === REDACTED ? k + v : k + REDACTED));
  s = redactAnyHeader(s);
  s = s.replace(URL_USERINFO, (_m, scheme: string) => `${scheme}${REDACTED}@`);
  s = s.replace(BARE_USERINFO, bareUserinfo);
  s = redactArgs(s);
  return s;
}

function redactArgs(s: string): string {
  const arg = (_m: string, k: string) => k + REDACTED;
  s = s.replace(ARG_CREDS, arg).replace(ARG_USER_PASS, arg);
  if (!LOGIN.test(s)) return s;
  // `-p VALUE` after a `login` on the same line; line by line, so the work stays linear in the text
  return s
    .split('\n')
    .map((line) => {
      const at = line.search(LOGIN);
      return at < 0 ? line : line.slice(0, at) + line.slice(at).replace(ARG_PASS, arg);
    })
    .join('\n');
}

function quoteLike(v: string, closing = false): string {
  // keep the quoting style (", \", \\\") of the original value
  const m = closing ? /(\\*")$/.exec(v) : /^(\\*")/.exec(v);
  return m ? (m[1] as string) : '';
}

/**
 * `value` with every string passed through `redact()`, and the string value of a secret-named key
 * (SECRET_KEY) replaced: `value` itself when that changes nothing in it, else a copy in which
 * whatever did not change is shared with `value` (callers serialise it or copy it again; none
 * mutates it). Objects other than arrays and plain objects (a Date, a class instance) are always
 * copied as plain objects of their own enumerable properties.
 */
export function redactJson<T>(value: T): T {
  return walk(value, 0) as T;
}

// keys whose string value redactJson replaces outright: credential fields (config.toml
// `registry.configs.*.auth`: auth, password, identitytoken; token responses) and credential headers
const SECRET_KEY = /^(authorization|proxy-authorization|cookie|set-cookie|x-registry-auth|password|passwd|auth|identitytoken|identity_token|registrytoken|registry_token|token|access_token|refresh_token|id_token|secret|client_secret)$/i;
// keys whose value is a set of headers (hosts.toml `header`, config.toml `registry.headers`): every
// string in it is a secret, whatever the header's name, except a SAFE_HEADERS one's
const HEADERS_KEY = /^(headers?|http_headers?)$/i;

const SECRET = 1;
const HEADERS = 2;
// the kind of each key seen (documents have few distinct keys and many objects): no regex per key
const keyKinds = new Map<string, number>();
function keyKind(k: string): number {
  let kind = keyKinds.get(k);
  if (kind === undefined) {
    kind = SECRET_KEY.test(k) ? SECRET : HEADERS_KEY.test(k) ? HEADERS : 0;
    if (keyKinds.size < 4096) keyKinds.set(k, kind);
  }
  return kind;
}

/** A header table's values: each string in it (at any depth) replaced, a safe header's kept. */
function redactHeaderTable(v: unknown, name: string | null, depth: number): unknown {
  if (typeof v === 'string') return name !== null && isSafeHeader(name) ? redact(v) : REDACTED;
  if (depth > 64 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => redactHeaderTable(x, name, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = redactHeaderTable(x, name ?? k, depth + 1);
  return out;
}

function walk(v: unknown, depth: number): unknown {
  if (typeof v === 'string') return redact(v);
  if (depth > 64 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      const y = walk(x, depth + 1);
      if (out === null && y !== x) out = v.slice(0, i);
      if (out !== null) out.push(y);
    }
    return out ?? v;
  }
  const o = v as Record<string, unknown>;
  const proto: unknown = Object.getPrototypeOf(o);
  let out: Record<string, unknown> | null = proto === Object.prototype || proto === null ? null : {};
  // the own enumerable string keys, in Object.entries' order, without an array of pairs per object
  for (const k in o) {
    if (!Object.prototype.hasOwnProperty.call(o, k)) continue;
    const x = o[k];
    const kind = keyKind(k);
    const y = kind === SECRET && typeof x === 'string' ? REDACTED : kind === HEADERS && x !== null && typeof x === 'object' ? redactHeaderTable(x, null, depth + 1) : walk(x, depth + 1);
    if (out === null && y !== x) {
      // the first change: the copy takes the keys before it as they are
      out = {};
      for (const j in o) {
        if (j === k) break;
        if (Object.prototype.hasOwnProperty.call(o, j)) out[j] = o[j];
      }
    }
    if (out !== null) out[k] = y;
  }
  return out ?? v;
}

/** Serialises `value` as JSON with every string redacted, then redacts the text once more. */
export function redactedJsonText(value: unknown, indent = 2): string {
  return redact(JSON.stringify(redactJson(value), null, indent));
}

/**
 * The userinfo of a proxy variable's value (`http://user:pw@host:port`, or without a scheme as Go
 * accepts it: `user:pw@host:port`, `token@host`), or null: everything before the last `@` of the
 * authority.
 */
export function proxyUserinfo(value: string): string | null {
  const v = value.trim();
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(v)?.[0] ?? '';
  const rest = v.slice(scheme.length);
  const slash = rest.search(/[/?#]/);
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const at = authority.lastIndexOf('@');
  return at > 0 ? authority.slice(0, at) : null;
}

/** A proxy variable's value with its userinfo (scheme or not) replaced; the host and port kept. */
export function redactProxyValue(value: string): string {
  const info = proxyUserinfo(value);
  if (info === null) return redact(value);
  const at = value.indexOf(info);
  return redact(value.slice(0, at) + REDACTED + value.slice(at + info.length));
}

/** Proxy variables with every value through {@link redactProxyValue}. */
export function redactProxyEnv(env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) out[k] = redactProxyValue(v);
  return out;
}
