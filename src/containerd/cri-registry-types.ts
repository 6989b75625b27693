/**
 * The types of the CRI registry table's fields, as the CRI plugin decodes them (the Registry struct
 * of v1.7.24 pkg/cri/config/config.go and v2.1.9 internal/cri/config/config.go): a value of another
 * type stops containerd while it loads the plugin, with the TOML decoder's error. Checked against
 * the 1.6, 1.7 and 2.1 binaries (test/integration/config-startup.test.ts). Unknown keys are ignored.
 */
import { isTable } from './go-value.js';

type Shape = 'string' | 'bool' | 'strings' | { fields: Record<string, Shape> } | { each: Shape };

const AUTH: Shape = { fields: { username: 'string', password: 'string', auth: 'string', identitytoken: 'string' } };
const TLS: Shape = { fields: { insecure_skip_verify: 'bool', ca_file: 'string', cert_file: 'string', key_file: 'string' } };

function registryShape(major: number): Shape {
  return {
    fields: {
      config_path: 'string',
      mirrors: { each: { fields: { endpoint: 'strings' } } },
      // `tls` is gone in 2.x: an unknown key there, whatever its value
      configs: { each: { fields: major >= 2 ? { auth: AUTH } : { auth: AUTH, tls: TLS } } },
      auths: { each: AUTH },
      headers: { each: 'strings' },
    },
  };
}

const WANT = { string: 'a string', bool: 'a boolean', strings: 'an array of strings' } as const;

function typeOf(v: unknown): string {
  if (Array.isArray(v)) return v.every((x) => isTable(x)) && v.length > 0 ? 'an array of tables' : 'an array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a float';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'boolean') return 'a boolean';
  if (v instanceof Date) return 'a date or time';
  return isTable(v) ? 'a table' : typeof v;
}

export interface CriFieldTypeError {
  /** The key path below the registry table (empty: the registry value itself). */
  path: string[];
  error: string;
}

function check(v: unknown, shape: Shape, path: string[]): CriFieldTypeError | null {
  const bad = (want: string): CriFieldTypeError => ({ path, error: `is ${typeOf(v)}, where the CRI plugin wants ${want}` });
  if (shape === 'string') return typeof v === 'string' ? null : bad(WANT.string);
  if (shape === 'bool') return typeof v === 'boolean' ? null : bad(WANT.bool);
  if (shape === 'strings') return Array.isArray(v) && v.every((x) => typeof x === 'string') ? null : bad(Array.isArray(v) ? 'an array of strings only' : WANT.strings);
  if (!isTable(v)) return bad('a table');
  for (const [k, x] of Object.entries(v)) {
    const inner = 'each' in shape ? shape.each : shape.fields[k];
    if (inner === undefined) continue;
    const e = check(x, inner, [...path, k]);
    if (e) return e;
  }
  return null;
}

/** The first field of the CRI registry table `registry` (undefined: not written) that containerd `major`.x cannot decode. */
export function criRegistryTypeError(registry: unknown, major: number): CriFieldTypeError | null {
  return registry === undefined ? null : check(registry, registryShape(major), []);
}
