/**
 * The types of config.toml's top-level fields, as containerd decodes them into its server Config
 * (v1.7.24 services/server/config/config.go, v2.1.9 cmd/containerd/server/config/config.go): a value
 * of another type stops containerd at start (`failed to unmarshal TOML` on 1.x, `failed to unmarshal
 * TOML at row R column C` on 2.x), checked against the 1.6, 1.7 and 2.1 binaries.
 */
type Kind = 'integer' | 'string' | 'strings' | 'table';

const FIELDS: Record<string, Kind> = {
  version: 'integer',
  root: 'string',
  state: 'string',
  temp: 'string',
  oom_score: 'integer',
  disabled_plugins: 'strings',
  required_plugins: 'strings',
  imports: 'strings',
  grpc: 'table',
  ttrpc: 'table',
  debug: 'table',
  metrics: 'table',
  plugins: 'table',
  cgroup: 'table',
  proxy_plugins: 'table',
  timeouts: 'table',
  stream_processors: 'table',
};

const WANT: Record<Kind, string> = { integer: 'an integer', string: 'a string', strings: 'an array of strings', table: 'a table' };

/** A TOML float literal (`2.0`, `1e3`, `inf`): smol-toml returns `2.0` as the number 2, Go decodes it as a float. */
export function isFloatLiteral(raw: string | undefined): boolean {
  return raw !== undefined && !/^[+-]?0[xob]/i.test(raw.trim()) && /[.eE]|inf|nan/.test(raw);
}

function typeOf(v: unknown, raw: string | undefined): string {
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number') return Number.isInteger(v) && !isFloatLiteral(raw) ? 'an integer' : 'a float';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'boolean') return 'a boolean';
  if (v instanceof Date) return 'a date';
  return v !== null && typeof v === 'object' ? 'a table' : typeof v;
}

function fits(kind: Kind, v: unknown, raw: string | undefined): boolean {
  if (kind === 'integer') return typeof v === 'number' && Number.isInteger(v) && !isFloatLiteral(raw);
  if (kind === 'string') return typeof v === 'string';
  if (kind === 'strings') return Array.isArray(v) && v.every((x) => typeof x === 'string');
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);
}

/** The first top-level field of `data` whose value containerd cannot decode, or null; `raw`: a field's value as written. */
export function serverFieldTypeError(data: Record<string, unknown>, raw: (key: string) => string | undefined): { key: string; error: string } | null {
  for (const [key, kind] of Object.entries(FIELDS)) {
    if (!(key in data)) continue;
    const v = data[key];
    const text = kind === 'integer' ? raw(key) : undefined;
    if (fits(kind, v, text)) continue;
    const got = kind === 'strings' && Array.isArray(v) ? 'an array holding other values' : typeOf(v, text);
    return { key, error: `\`${key}\` is ${got}, where containerd wants ${WANT[kind]}` };
  }
  return null;
}
