/**
 * How Go would print and type a decoded TOML value, so containerd's own error texts
 * (`invalid type %v for "ca"`, `invalid type %T for "client"`, `unable to cast %v to string`)
 * can be reproduced for a value smol-toml decoded.
 */
import { TomlDate } from 'smol-toml';

export type TomlKind = 'string' | 'integer' | 'float' | 'boolean' | 'datetime' | 'array' | 'table';

/** TOML kind of a smol-toml value parsed with `integersAsBigInt: true`. */
export function tomlKind(v: unknown): TomlKind {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'bigint') return 'integer';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'boolean') return 'boolean';
  if (v instanceof TomlDate || v instanceof Date) return 'datetime';
  if (Array.isArray(v)) return 'array';
  return 'table';
}

export function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && tomlKind(v) === 'table';
}

/** The value at a key path of decoded TOML, or undefined where a table on the way is missing. */
export function valueAt(v: unknown, path: readonly string[]): unknown {
  let cur = v;
  for (const k of path) {
    if (!isTable(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/** Go `%v` of the value as go-toml decodes it into `interface{}`. */
export function goV(v: unknown): string {
  switch (tomlKind(v)) {
    case 'string':
      return v as string;
    case 'integer':
      return String(v);
    case 'float': {
      const n = v as number;
      if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
      return String(n);
    }
    case 'boolean':
      return String(v);
    case 'datetime':
      return String(v);
    case 'array':
      return `[${(v as unknown[]).map(goV).join(' ')}]`;
    case 'table': {
      const o = v as Record<string, unknown>;
      return `map[${Object.keys(o).sort().map((k) => `${k}:${goV(o[k])}`).join(' ')}]`;
    }
  }
}

/** Go `%T` of the value as go-toml v2 decodes it into `interface{}`. */
export function goT(v: unknown): string {
  switch (tomlKind(v)) {
    case 'string': return 'string';
    case 'integer': return 'int64';
    case 'float': return 'float64';
    case 'boolean': return 'bool';
    case 'datetime': return 'time.Time';
    case 'array': return '[]interface {}';
    case 'table': return 'map[string]interface {}';
  }
}

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go `time.ParseDuration`: nanoseconds, or Go's error text. */
export function goParseDuration(s: string): { ok: true; ns: number } | { ok: false; error: string } {
  const orig = s;
  const q = JSON.stringify(orig);
  let rest = s;
  let neg = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    neg = rest[0] === '-';
    rest = rest.slice(1);
  }
  if (rest === '0') return { ok: true, ns: 0 };
  if (rest === '') return { ok: false, error: `time: invalid duration ${q}` };
  let total = 0;
  while (rest !== '') {
    const num = /^(\d*)(?:\.(\d*))?/.exec(rest);
    if (!num || (num[1] === '' && (num[2] === undefined || num[2] === ''))) return { ok: false, error: `time: invalid duration ${q}` };
    rest = rest.slice(num[0].length);
    const unit = /^[^0-9.]*/.exec(rest)?.[0] ?? '';
    if (unit === '') return { ok: false, error: `time: missing unit in duration ${q}` };
    const mult = UNIT_NS[unit];
    if (mult === undefined) return { ok: false, error: `time: unknown unit ${JSON.stringify(unit)} in duration ${q}` };
    rest = rest.slice(unit.length);
    total += Number(`${num[1] || '0'}.${num[2] || '0'}`) * mult;
  }
  return { ok: true, ns: neg ? -total : total };
}
