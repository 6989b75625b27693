/**
 * A field of config.toml's tables given a value of the wrong type stops containerd: a server table's
 * ([grpc], [debug], [timeouts], …) when the file is loaded; a plugin's when it is decoded, before the
 * plugin starts (v1.7.24 services/server/server.go, v2.1.9 cmd/containerd/server/server.go), or when
 * 2.x migrates a version 2 file, which can panic. Which fields and types fail is measured on the real
 * binaries (scripts/measure-config-field-types): a value type never probed is never reported, and
 * a plugin field on another minor version of the same major only warns.
 */
import { TomlDate } from 'smol-toml';
import type { Decision, SourcePosition } from './decision.js';
import { CONFIG_FIELD_TYPES } from './config-field-types.data.js';
import { isTable, valueAt } from './go-value.js';
import { isFloatLiteral } from './server-config-types.js';
import { dottedPath } from './toml-scan.js';
import type { BehaviourProfile } from './version.js';

export interface PluginFieldTypeError {
  path: string[];
  /** The value's type as measured: "integer", "array of strings", … */
  got: string;
  /** The type of the field's default, and the Go type the decoder names when it does. */
  wants: string;
  goType: string | null;
  /** containerd 2.x panics migrating a version 2 file instead of a decode error. */
  panics: boolean;
  measuredOn: string;
  /** Measured on this minor version; otherwise on the nearest one of the same major, which proves nothing here. */
  exact: boolean;
}

const PLAIN_GO_TYPES = new Set(['string', 'bool', 'int', 'float64', '[]string', '[]string(slice)']);
const CRI_V2 = ['io.containerd.grpc.v1.cri', 'io.containerd.cri.v1.images', 'io.containerd.cri.v1.runtime'];

/** The measured type of a value (`raw`: its text as written), or null for a type never probed. */
function probedType(v: unknown, raw: string | undefined): string | null {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') {
    if (raw === undefined) return null;
    if (!isFloatLiteral(raw)) return 'integer';
    return Number.isInteger(v) ? 'integral float' : 'float';
  }
  if (v instanceof TomlDate) return v.isDateTime() && !v.isLocal() ? 'datetime' : null;
  if (Array.isArray(v)) {
    if (v.length === 0) return 'empty array';
    if (v.every((x) => typeof x === 'string')) return 'array of strings';
    if (raw !== undefined && v.every((x) => typeof x === 'number') && !isFloatLiteral(raw)) return 'array of integers';
  }
  return null;
}

const a = (t: string) => `${/^[aeiou]/.test(t) ? 'an' : 'a'} ${t}`;

/**
 * The first field of a server table ([grpc], [debug], [timeouts], …) in one file's `data` that
 * containerd cannot decode when it loads the file, or null; `raw`: a value's text as written.
 */
export function serverTableTypeError(data: Record<string, unknown>, profile: BehaviourProfile, raw: (path: string[]) => string | undefined): { path: string[]; error: string } | null {
  const { major, minor } = profile.version;
  const version = typeof data.version === 'number' ? data.version : 1;
  const form = CONFIG_FIELD_TYPES[`${major}.${minor} v${version >= 3 && major >= 2 ? 3 : 2}`];
  if (!form) return null;
  for (const [key, field] of Object.entries(form.fields)) {
    if (key.startsWith('["plugins"')) continue;
    const path = JSON.parse(key) as string[];
    const v = valueAt(data, path);
    if (v === undefined) continue;
    const got = probedType(v, raw(path));
    if (got === null || !field.rejects.includes(got)) continue;
    return { path, error: `\`${dottedPath(path)}\` is ${a(got)}, where containerd wants ${a(field.default)}` };
  }
  return null;
}

/** The paths a measured field stands for: `runtimes.runc.X` for every runtime the file names (one Go map, one struct type). */
function writtenPaths(merged: Record<string, unknown>, path: string[]): string[][] {
  const i = path.indexOf('runtimes');
  if (i < 0 || path[i + 1] !== 'runc') return [path];
  const runtimes = valueAt(merged, path.slice(0, i + 1));
  if (!isTable(runtimes)) return [];
  return Object.keys(runtimes).map((name) => [...path.slice(0, i + 1), name, ...path.slice(i + 2)]);
}

/** The measurements for the version: its own minor's, else the nearest minor's of the same major. */
function measuredFor(profile: BehaviourProfile, version: number): { form: (typeof CONFIG_FIELD_TYPES)[string]; exact: boolean } | null {
  const { major, minor } = profile.version;
  const want = `v${version >= 3 ? 3 : 2}`;
  const own = CONFIG_FIELD_TYPES[`${major}.${minor} ${want}`];
  if (own) return { form: own, exact: true };
  const near = Object.keys(CONFIG_FIELD_TYPES)
    .filter((k) => k.startsWith(`${major}.`) && k.endsWith(` ${want}`))
    .sort((x, y) => Math.abs(Number(x.split(/[. ]/)[1]) - minor) - Math.abs(Number(y.split(/[. ]/)[1]) - minor))[0];
  return near ? { form: CONFIG_FIELD_TYPES[near]!, exact: false } : null;
}

/**
 * The first plugin field of the merged config whose value stops containerd, or null.
 * `version`: the file's config version; `disabled`: disabled_plugins; `raw`: a value's text as written.
 */
export function pluginFieldTypeError(
  merged: Record<string, unknown>,
  version: number,
  disabled: readonly string[],
  profile: BehaviourProfile,
  raw: (path: string[]) => string | undefined,
): PluginFieldTypeError | null {
  const { major } = profile.version;
  const measured = measuredFor(profile, version);
  if (!measured || version < 2) return null;
  const { form, exact } = measured;
  for (const [key, field] of Object.entries(form.fields)) {
    if (!key.startsWith('["plugins"')) continue;
    for (const path of writtenPaths(merged, JSON.parse(key) as string[])) {
      const v = valueAt(merged, path);
      if (v === undefined) continue;
      const id = path[1]!;
      // a disabled plugin's table is not decoded; 2.x migrates a version 2 CRI table into three plugins
      if (disabled.includes(id) || (major >= 2 && version < 3 && id === CRI_V2[0] && CRI_V2.some((p) => disabled.includes(p)))) continue;
      const got = probedType(v, raw(path));
      if (got === null || !field.rejects.includes(got)) continue;
      return { path, got, wants: field.default, goType: field.wants, panics: field.panics === true, measuredOn: form.measuredOn, exact };
    }
  }
  return null;
}

/** The decision and containerd's startup error for the first such field; `file`: where a path's value is written. */
export function pluginFieldTypeDecision(
  merged: Record<string, unknown>,
  version: number,
  disabled: readonly string[],
  profile: BehaviourProfile,
  file: { raw: (path: string[]) => string | undefined; at: (path: string[]) => SourcePosition | undefined },
): { decision: Decision; startupError?: string } | null {
  const e = pluginFieldTypeError(merged, version, disabled, profile, file.raw);
  if (!e) return null;
  if (!e.exact) return { decision: unmeasuredDecision(e, version, profile, file) };
  const field = dottedPath(e.path);
  const how = e.panics ? `${profile.label} panics while migrating the version ${version} CRI settings` : `${profile.label} exits while loading the plugin`;
  const containerdExit = e.panics ? 'panic: interface conversion: …' : profile.version.major >= 2 ? 'toml: …' : `(line, column): ${e.goType ? "Can't convert …" : '…'}`;
  const at = file.at(e.path);
  const goType = e.goType && !PLAIN_GO_TYPES.has(e.goType) ? ` (Go ${e.goType})` : '';
  const measured = e.measuredOn.replace(/[~+].*/, '');
  const hint = e.got === 'integer' && e.wants === 'float' ? '; write it as a float (`1.0`, not `1`): TOML rewriters such as tomlq and yq turn 1.0 into 1' : '';
  const message = `${field} is ${a(e.got)}, where containerd wants ${a(e.wants)}${goType}: ${how}${profile.label === `containerd ${measured}` ? '' : ` (as measured on containerd ${measured})`}${hint}`;
  return {
    startupError: `${field} is ${a(e.got)}, where containerd wants ${a(e.wants)}`,
    decision: { code: 'config.plugin-field-type', severity: 'error', message, ...(at ? { at } : {}), containerdExit, source: 'pluginConfigDecode', configPath: e.path },
  };
}

/** A field another minor version refuses: a warning that names what to run on the node, not a verdict. */
function unmeasuredDecision(e: PluginFieldTypeError, version: number, profile: BehaviourProfile, file: { at: (path: string[]) => SourcePosition | undefined }): Decision {
  const measured = `containerd ${e.measuredOn.replace(/[~+].*/, '')}`;
  const how = e.panics ? `panics while migrating the version ${version} CRI settings` : 'exits while loading the plugin';
  const at = file.at(e.path);
  const message = `${dottedPath(e.path)} is ${a(e.got)}, where ${measured} wants ${a(e.wants)} and ${how}; whether ${profile.label} does too was not measured`;
  return { code: 'config.plugin-field-type', severity: 'warning', message, ...(at ? { at } : {}), source: 'pluginConfigDecode', configPath: e.path };
}
