/**
 * hosts.toml as containerd reads it (reference §1.3–§1.8), per parser generation:
 * go-toml v1 (containerd 1.x) and go-toml v2 (2.x).
 *
 * smol-toml decides whether the text is TOML at all; everything containerd decides after that
 * (discard the whole file, silently ignore a part, accept) is reproduced here, with our own
 * message (line:column) and containerd's error text where the reference or the source gives it.
 */
import { parse as parseToml, TomlError } from 'smol-toml';
import type { Decision, SourcePosition } from './decision.js';
import { goParseDuration, goT, goV, isTable, tomlKind, type TomlKind } from './go-value.js';
import { goPathClean, goPathIsAbs, goPathJoin, goUrlParse } from './go-url.js';
import { firstMention, findKeyValue, scanToml, type TomlPos, type TomlScan } from './toml-scan.js';
import type { BehaviourProfile } from './version.js';

export type Capability = 'pull' | 'resolve' | 'push' | 'referrers';

/** containerd's `hostConfig` after `parseHostConfig`. */
export interface HostConfig {
  /** `mirror`: a `[host."…"]` table; `server`: the top-level entry, always last. */
  kind: 'mirror' | 'server';
  /** The mirror key or `server` value as written ('' when `server` is omitted). */
  written: string;
  scheme: string;
  host: string;
  path: string;
  capabilities: Capability[];
  /** True when `capabilities` was omitted or empty (→ all). */
  capabilitiesDefaulted: boolean;
  caCerts: string[];
  clientPairs: Array<[string, string]>;
  skipVerify?: boolean;
  header: Record<string, string[]>;
  /** Raw `dial_timeout` (2.0.7+). */
  dialTimeout?: string;
  overridePath: boolean;
  /** Where the entry is defined. */
  at?: SourcePosition;
}

export type HostsFileParse =
  | { ok: true; hosts: HostConfig[]; decisions: Decision[] }
  | {
      ok: false;
      /** Our description of the first problem containerd hits. */
      problem: string;
      at?: SourcePosition;
      /** containerd's error text (the `error=` field of the log line), when known. */
      containerdError?: string;
      /** Advice for fixing it. */
      hint?: string;
      /** Everything else we noticed before the failure. */
      decisions: Decision[];
    };

export interface HostsFileInput {
  /** Host directory (the base for relative `ca`/`client` paths). */
  dir: string;
  text: string;
}

const ALL_V1: Capability[] = ['pull', 'resolve', 'push'];

export function defaultCapabilities(profile: BehaviourProfile): Capability[] {
  return profile.referrersCapability ? [...ALL_V1, 'referrers'] : [...ALL_V1];
}

function knownKeys(profile: BehaviourProfile, root: boolean): Set<string> {
  const keys = ['capabilities', 'ca', 'client', 'skip_verify', 'header'];
  if (profile.overridePath) keys.push('override_path');
  if (profile.dialTimeout) keys.push('dial_timeout');
  if (root) keys.push('server', 'host');
  return new Set(keys);
}

const KEY_HINTS: Record<string, string> = {
  capability: 'did you mean `capabilities`?',
  caps: 'did you mean `capabilities`?',
  'skip-verify': 'did you mean `skip_verify`?',
  skipverify: 'did you mean `skip_verify`?',
  insecure_skip_verify: 'the key is `skip_verify`',
  insecure: 'hosts.toml has no `insecure`; use an `http://` URL or `skip_verify = true`',
  endpoint: 'hosts.toml has no `endpoint`; the mirror URL is the table name `[host."https://…"]`',
  endpoints: 'hosts.toml has no `endpoints`; one `[host."https://…"]` table per mirror',
  hosts: 'did you mean `host`?',
  mirrors: '`mirrors` belongs to the legacy CRI config.toml syntax, not hosts.toml',
  rewrite: '`rewrite` only exists in k3s/RKE2\'s containerd fork (§7.1)',
  headers: 'did you mean `header`?',
  ca_file: 'did you mean `ca`?',
  cacert: 'did you mean `ca`?',
  'dial-timeout': 'did you mean `dial_timeout`?',
  'override-path': 'did you mean `override_path`?',
  username: 'hosts.toml has no credentials (§1.4)',
  password: 'hosts.toml has no credentials (§1.4)',
  auth: 'hosts.toml has no credentials (§1.4)',
};

function pos(file: string, p: TomlPos | undefined): SourcePosition | undefined {
  return p ? { file, line: p.line, column: p.column } : undefined;
}

function where(at: SourcePosition | undefined): string {
  return at ? ` at ${at.line}:${at.column}` : '';
}

class Failure {
  constructor(
    readonly problem: string,
    readonly at: SourcePosition | undefined,
    readonly containerdError: string | undefined,
    readonly hint?: string,
  ) {}
}

/** Go type names as go-toml v2 prints them in decode errors. */
const FIELD_GO: Record<string, { field: string; goType: string; kind: TomlKind; v1Target?: string }> = {
  capabilities: { field: 'Capabilities', goType: '[]string', kind: 'array', v1Target: '[]string(slice)' },
  skip_verify: { field: 'SkipVerify', goType: '*bool', kind: 'boolean', v1Target: 'bool' },
  override_path: { field: 'OverridePath', goType: 'bool', kind: 'boolean', v1Target: 'bool' },
  dial_timeout: { field: 'DialTimeout', goType: 'string', kind: 'string' },
  header: { field: 'Header', goType: 'map[string]interface {}', kind: 'table' },
  server: { field: 'Server', goType: 'string', kind: 'string', v1Target: 'string' },
};

function v1TypeName(v: unknown): string {
  const k = tomlKind(v);
  return k === 'integer' ? 'int64' : k === 'float' ? 'float64' : k === 'boolean' ? 'bool' : k === 'string' ? 'string' : goT(v);
}

/** The decode-time type error containerd's Unmarshal returns for `key = value`, or undefined. */
function decodeTypeError(
  key: string,
  value: unknown,
  profile: BehaviourProfile,
  kvPos: SourcePosition | undefined,
): Failure | undefined {
  const spec = FIELD_GO[key];
  if (!spec) return undefined;
  const kind = tomlKind(value);
  let bad = kind !== spec.kind;
  let badKind: TomlKind = kind;
  if (!bad && key === 'capabilities') {
    const el = (value as unknown[]).find((e) => tomlKind(e) !== 'string');
    if (el !== undefined) {
      bad = true;
      badKind = tomlKind(el);
    }
  }
  if (!bad) return undefined;
  const problem = `\`${key}\` must be ${spec.kind === 'array' ? 'an array of strings' : spec.kind === 'table' ? 'a table' : `a ${spec.kind}`}, found ${badKind === kind ? `a ${kind}` : `an array holding a ${badKind}`} (${JSON.stringify(goV(value))})`;
  let containerdError: string | undefined;
  if (profile.hostsParser === 'go-toml-v2') {
    containerdError = `toml: cannot decode TOML ${badKind} into struct field ....${spec.field} of type ${badKind === kind ? spec.goType : 'string'}`;
  } else if (spec.v1Target && badKind === kind) {
    // Reference §1.5 quotes `(3, 3): Can't convert true(string) to bool` (with the key's
    // position) and `Can't convert pull(string) to []string(slice)` (without one).
    const base = `Can't convert ${goV(value)}(${v1TypeName(value)}) to ${spec.v1Target}`;
    containerdError = spec.kind === 'array' || !kvPos ? base : `(${kvPos.line}, ${kvPos.column}): ${base}`;
  }
  return new Failure(problem, kvPos, containerdError);
}

function parseCapabilities(
  list: unknown,
  profile: BehaviourProfile,
  kv: ReturnType<typeof findKeyValue>,
  file: string,
): { caps: Capability[]; defaulted: boolean } {
  const arr = Array.isArray(list) ? (list as string[]) : [];
  if (arr.length === 0) return { caps: defaultCapabilities(profile), defaulted: true };
  const caps: Capability[] = [];
  const allowed = new Set<string>(defaultCapabilities(profile));
  arr.forEach((c, i) => {
    const lower = c.toLowerCase();
    if (!allowed.has(lower)) {
      const el = kv?.elements?.[i];
      const hint =
        lower === 'referrers'
          ? `\`referrers\` exists from containerd 2.2.0; ${profile.label} does not know it`
          : `allowed: ${[...allowed].join(', ')}`;
      throw new Failure(`unknown capability ${JSON.stringify(c)}`, pos(file, el ?? kv), `unknown capability ${c}`, hint);
    }
    if (!caps.includes(lower as Capability)) caps.push(lower as Capability);
  });
  return { caps, defaulted: false };
}

function makeAbsPath(p: string, base: string): string {
  return goPathIsAbs(p) ? p : goPathJoin(base, p);
}

function stringSlice(slice: unknown[], cb?: (s: string) => string): string[] {
  return slice.map((v) => {
    if (typeof v !== 'string') throw new Failure(`expected a string, found ${JSON.stringify(goV(v))}`, undefined, `unable to cast ${goV(v)} to string`);
    return cb ? cb(v) : v;
  });
}

/** containerd `parseHostConfig`, plus our notes about what it did. */
function parseHostConfig(
  server: string,
  config: Record<string, unknown>,
  keyPrefix: string[],
  kind: HostConfig['kind'],
  input: HostsFileInput,
  scan: TomlScan,
  profile: BehaviourProfile,
  notes: Decision[],
): HostConfig {
  const file = `${input.dir}/hosts.toml`;
  const kvAt = (key: string) => findKeyValue(scan, [...keyPrefix, key]);
  const overridePath = profile.overridePath && config.override_path === true;
  const entryAt = pos(file, keyPrefix.length > 0 ? firstMention(scan, keyPrefix) : kvAt('server'));
  const result: HostConfig = {
    kind,
    written: server,
    scheme: '',
    host: '',
    path: '',
    capabilities: [],
    capabilitiesDefaulted: false,
    caCerts: [],
    clientPairs: [],
    header: {},
    overridePath,
  };
  if (entryAt) result.at = entryAt;
  const label = kind === 'mirror' ? `host ${JSON.stringify(server)}` : `server ${JSON.stringify(server)}`;
  if (server !== '') {
    let url = server;
    if (!url.startsWith('http')) {
      url = `https://${url}`;
      notes.push({
        code: 'hosts-toml.scheme-added',
        severity: 'info',
        message: `${label} has no scheme; containerd uses ${url}`,
        ...(entryAt ? { at: entryAt } : {}),
        cite: '§1.6',
      });
    }
    const u = goUrlParse(url);
    if (!u.ok) throw new Failure(`${label} is not a valid URL: ${u.error}`, entryAt, `unable to parse server ${url}: ${u.error}`);
    result.scheme = u.url.scheme;
    result.host = u.url.host;
    let p = u.url.path;
    if (p.length > 0) {
      p = goPathClean(p);
      if (!p.endsWith('/v2') && !overridePath) p = `${p}/v2`;
    } else if (!overridePath) {
      p = '/v2';
    }
    result.path = p;
    if (result.scheme !== 'http' && result.scheme !== 'https') {
      notes.push({
        code: 'hosts-toml.http-prefix-trap',
        severity: 'error',
        message: `${label} starts with "http" but has no scheme, so containerd does not add https:// and Go's url.Parse reads ${JSON.stringify(result.scheme)} as the scheme: the entry has ${result.host === '' ? 'an empty host' : `host ${JSON.stringify(result.host)}`} and cannot be reached; write "https://${server}" or "http://${server}"`,
        ...(entryAt ? { at: entryAt } : {}),
        cite: '§1.6',
      });
    }
    if (u.url.path.length > 0 && !overridePath && p !== goPathClean(u.url.path)) {
      notes.push({
        code: 'hosts-toml.v2-appended',
        severity: 'warning',
        message: `${label}: path ${u.url.path} becomes ${p} (containerd appends /v2 unless the path ends in /v2 or override_path = true)`,
        ...(entryAt ? { at: entryAt } : {}),
        cite: '§1.6',
      });
    }
    if (overridePath) {
      notes.push({
        code: 'hosts-toml.override-path',
        severity: 'info',
        message: `${label}: override_path = true, requests go to ${p === '' ? 'the URL root /' : p} as written`,
        ...(entryAt ? { at: entryAt } : {}),
        cite: '§1.6',
      });
    }
  }
  if (typeof config.skip_verify === 'boolean') result.skipVerify = config.skip_verify;
  const caps = parseCapabilities(config.capabilities, profile, kvAt('capabilities'), file);
  result.capabilities = caps.caps;
  result.capabilitiesDefaulted = caps.defaulted;

  const ca = config.ca;
  if (ca !== undefined) {
    const at = pos(file, kvAt('ca'));
    if (typeof ca === 'string') result.caCerts = [makeAbsPath(ca, input.dir)];
    else if (Array.isArray(ca)) {
      try {
        result.caCerts = stringSlice(ca, (p) => makeAbsPath(p, input.dir));
      } catch (e) {
        if (e instanceof Failure) throw new Failure(`\`ca\`: ${e.problem}`, at, e.containerdError);
        throw e;
      }
    } else throw new Failure(`\`ca\` must be a string or an array of strings, found ${JSON.stringify(goV(ca))}`, at, `invalid type ${goV(ca)} for "ca"`);
  }
  const client = config.client;
  if (client !== undefined) {
    const at = pos(file, kvAt('client'));
    if (typeof client === 'string') result.clientPairs = [[makeAbsPath(client, input.dir), '']];
    else if (Array.isArray(client)) {
      for (const p of client as unknown[]) {
        if (typeof p === 'string') result.clientPairs.push([makeAbsPath(p, input.dir), '']);
        else if (Array.isArray(p)) {
          let slice: string[];
          try {
            slice = stringSlice(p, (s) => makeAbsPath(s, input.dir));
          } catch (e) {
            if (e instanceof Failure) throw new Failure(`\`client\`: ${e.problem}`, at, e.containerdError);
            throw e;
          }
          if (slice.length !== 2) throw new Failure(`\`client\` pairs must be [cert, key], found ${JSON.stringify(goV(p))}`, at, `invalid pair ${goV(p)} for "client"`);
          result.clientPairs.push([slice[0]!, slice[1]!]);
        } else throw new Failure(`\`client\` entries must be strings or [cert, key] pairs, found ${JSON.stringify(goV(p))}`, at, `invalid type ${goT(p)} for "client"`);
      }
    } else throw new Failure(`\`client\` must be a string or an array, found ${JSON.stringify(goV(client))}`, at, `invalid type ${goV(client)} for "client"`);
  }
  const header = config.header;
  if (isTable(header)) {
    for (const [key, ty] of Object.entries(header)) {
      const at = pos(file, findKeyValue(scan, [...keyPrefix, 'header', key]));
      if (typeof ty === 'string') result.header[key] = [ty];
      else if (Array.isArray(ty)) {
        try {
          result.header[key] = stringSlice(ty);
        } catch (e) {
          if (e instanceof Failure) throw new Failure(`header ${JSON.stringify(key)}: ${e.problem}`, at, e.containerdError);
          throw e;
        }
      } else throw new Failure(`header ${JSON.stringify(key)} must be a string or an array of strings, found ${JSON.stringify(goV(ty))}`, at, `invalid type ${goV(ty)} for header ${JSON.stringify(key)}`);
    }
  }
  if (profile.dialTimeout && typeof config.dial_timeout === 'string' && config.dial_timeout !== '') {
    const d = goParseDuration(config.dial_timeout);
    if (!d.ok) throw new Failure(`dial_timeout ${JSON.stringify(config.dial_timeout)} is not a Go duration (e.g. "1s", "500ms")`, pos(file, kvAt('dial_timeout')), d.error);
    result.dialTimeout = config.dial_timeout;
  }
  return result;
}

/** Notes for keys containerd silently ignores in one table. */
function ignoredKeys(
  table: Record<string, unknown>,
  keyPrefix: string[],
  root: boolean,
  input: HostsFileInput,
  scan: TomlScan,
  profile: BehaviourProfile,
): Decision[] {
  const file = `${input.dir}/hosts.toml`;
  const known = knownKeys(profile, root);
  const out: Decision[] = [];
  for (const key of Object.keys(table)) {
    if (known.has(key)) continue;
    const at = pos(file, firstMention(scan, [...keyPrefix, key]));
    let why = KEY_HINTS[key] ?? 'not a hosts.toml key';
    if (key === 'override_path' && !profile.overridePath) why = '`override_path` exists from containerd 1.6.0';
    if (key === 'dial_timeout' && !profile.dialTimeout) why = '`dial_timeout` exists from containerd 2.0.7 / 2.1.0';
    out.push({
      code: 'hosts-toml.key-ignored',
      severity: 'warning',
      message: `key \`${[...keyPrefix, key].map((k) => (/^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k))).join('.')}\`${where(at)} is silently ignored by containerd: ${why}`,
      ...(at ? { at } : {}),
      cite: '§1.4, §1.5',
    });
  }
  return out;
}

/** Host order as each parser generation computes it (§1.5, §1.7). */
function orderedHosts(hostTable: Record<string, unknown>, scan: TomlScan, profile: BehaviourProfile): string[] {
  if (profile.hostsParser === 'go-toml-v2') {
    const order: string[] = [];
    let last = '';
    for (const h of scan.headers) {
      if (h.kind !== 'table') continue;
      const parts = h.path;
      if (parts.length < 2 || parts[0] !== 'host' || parts[1] === last) continue;
      last = parts[1]!;
      order.push(last);
    }
    return order;
  }
  // go-toml v1: keys of the host tree sorted by the line of each host's table. The line of an
  // implicitly created table (only a `[host."a".header]` or a dotted key) is taken as its first
  // mention; ties (several hosts on one line) keep file order, while Go's sort.Slice is not
  // stable — not verified against go-toml v1.
  const names = Object.keys(hostTable);
  const line = (n: string) => firstMention(scan, ['host', n])?.offset ?? Number.MAX_SAFE_INTEGER;
  return [...names].sort((a, b) => line(a) - line(b));
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/^Invalid TOML document: /, '');
}

/** Finds a byte that no TOML parser accepts: NUL / other control characters. */
function controlCharAt(text: string): number {
  const m = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.exec(text);
  return m ? m.index : -1;
}

/**
 * containerd `parseHostsFile` for one hosts.toml. Returns the hosts in the order containerd
 * tries them (mirrors, then the top-level `server` entry), or the reason the file is discarded.
 */
export function parseHostsFile(input: HostsFileInput, profile: BehaviourProfile): HostsFileParse {
  const file = `${input.dir}/hosts.toml`;
  const notes: Decision[] = [];
  const v2 = profile.hostsParser === 'go-toml-v2';
  const ctrl = controlCharAt(input.text);
  let data: Record<string, unknown>;
  try {
    if (ctrl >= 0) {
      const before = input.text.slice(0, ctrl);
      const line = before.split('\n').length;
      const column = ctrl - before.lastIndexOf('\n');
      throw new Failure(`TOML syntax error: control character U+${input.text.charCodeAt(ctrl).toString(16).padStart(4, '0')} (not text)`, { file, line, column }, undefined);
    }
    try {
      data = parseToml(input.text, { integersAsBigInt: true }) as Record<string, unknown>;
    } catch (e) {
      if (e instanceof TomlError) {
        const msg = firstLine(e.message);
        // go-toml's own wording differs from smol-toml's; the reference gives it for one case.
        const missingBracket = /^\s*\[[^\]\n]*$/m.test(input.text.split('\n')[e.line - 1] ?? '');
        const containerdError = missingBracket && v2 ? 'toml: expected character ]' : undefined;
        throw new Failure(`TOML syntax error: ${msg}`, { file, line: e.line, column: e.column }, containerdError);
      }
      throw e;
    }
    const scan = scanToml(input.text);
    const hostValue = data.host;
    const hostAt = pos(file, firstMention(scan, ['host']));

    // 1.x before 1.7.32: getSortedHosts needs a `host` table (§0.1, §1.5).
    if (!v2 && profile.requiresHostTable && !isTable(hostValue)) {
      const plural = isTable(data.hosts) ? ' (the file has `[hosts.…]`: the key is `host`, singular)' : '';
      throw new Failure(
        hostValue === undefined
          ? `no [host."…"] table; ${profile.label} rejects a hosts.toml without one (fixed in 1.7.32)${plural}`
          : `\`host\` is a ${tomlKind(hostValue)}, not a table of mirrors`,
        hostAt ?? { file, line: 1, column: 1 },
        'invalid `host` tree',
      );
    }
    // Decode (Unmarshal) type errors, in file order.
    const decodeErrors: Failure[] = [];
    const checkTable = (t: Record<string, unknown>, prefix: string[], root: boolean) => {
      for (const [key, value] of Object.entries(t)) {
        if (!knownKeys(profile, root).has(key)) continue;
        if (key === 'host') continue;
        const f = decodeTypeError(key, value, profile, pos(file, findKeyValue(scan, [...prefix, key]) ?? firstMention(scan, [...prefix, key])));
        if (f) decodeErrors.push(f);
      }
    };
    checkTable(data, [], true);
    if (hostValue !== undefined) {
      if (!isTable(hostValue)) {
        const isArrayTable = scan.headers.some((h) => h.kind === 'array-table' && h.path[0] === 'host');
        decodeErrors.push(
          new Failure(
            isArrayTable ? '`[[host]]` is an array of tables; write `[host."https://…"]`' : `\`host\` must be a table of mirrors, found a ${tomlKind(hostValue)}`,
            hostAt,
            v2 ? (isArrayTable ? 'toml: cannot decode TOML array table into struct field …' : undefined) : undefined,
          ),
        );
      } else {
        for (const [name, cfg] of Object.entries(hostValue)) {
          if (!isTable(cfg)) {
            const arrayTable = scan.headers.find((h) => h.kind === 'array-table' && h.path[0] === 'host' && h.path[1] === name);
            decodeErrors.push(
              new Failure(
                arrayTable
                  ? `[[host.${JSON.stringify(name)}]] is an array of tables; write [host.${JSON.stringify(name)}] (single brackets)`
                  : `host ${JSON.stringify(name)} must be a table, found a ${tomlKind(cfg)}`,
                pos(file, arrayTable ?? firstMention(scan, ['host', name])),
                v2 && arrayTable ? 'toml: cannot decode TOML array table into struct field …' : undefined,
              ),
            );
            continue;
          }
          checkTable(cfg, ['host', name], false);
        }
      }
    }
    decodeErrors.sort((a, b) => (a.at?.line ?? 0) - (b.at?.line ?? 0) || (a.at?.column ?? 0) - (b.at?.column ?? 0));
    if (decodeErrors[0]) throw decodeErrors[0];

    const hostTable = isTable(hostValue) ? hostValue : {};
    notes.push(...ignoredKeys(data, [], true, input, scan, profile));
    for (const [name, cfg] of Object.entries(hostTable)) {
      if (isTable(cfg)) notes.push(...ignoredKeys(cfg, ['host', name], false, input, scan, profile));
    }
    const order = orderedHosts(hostTable, scan, profile);
    if (v2) {
      const inOrder = new Set(order);
      for (const name of Object.keys(hostTable)) {
        if (inOrder.has(name)) continue;
        const kv = scan.keyValues.find((k) => k.path[0] === 'host' && k.path[1] === name);
        const at = pos(file, kv);
        const form = kv?.via === 'inline' || (kv && kv.path.length === 2) ? 'an inline table' : 'dotted keys';
        notes.push({
          code: 'hosts-toml.host-dropped',
          severity: 'error',
          message: `mirror ${JSON.stringify(name)}${where(at)} is written as ${form}, which ${profile.label} silently drops (only [host."…"] table headers count); write it as [host.${JSON.stringify(name)}]`,
          ...(at ? { at } : {}),
          cite: '§1.5',
        });
      }
      const seen = new Set<string>();
      for (const name of order) {
        if (seen.has(name)) {
          const header = scan.headers.filter((h) => h.kind === 'table' && h.path[0] === 'host' && h.path[1] === name)[1];
          const at = pos(file, header);
          notes.push({
            code: 'hosts-toml.host-duplicated',
            severity: 'warning',
            message: `mirror ${JSON.stringify(name)} is listed again by the header${where(at)} that follows another host's table; ${profile.label} tries it twice`,
            ...(at ? { at } : {}),
            cite: '§1.5',
          });
        }
        seen.add(name);
      }
    }
    const hosts: HostConfig[] = [];
    for (const name of order) {
      const cfg = hostTable[name];
      hosts.push(parseHostConfig(name, isTable(cfg) ? cfg : {}, ['host', name], 'mirror', input, scan, profile, notes));
    }
    const server = typeof data.server === 'string' ? data.server : '';
    hosts.push(parseHostConfig(server, data, [], 'server', input, scan, profile, notes));
    return { ok: true, hosts, decisions: notes };
  } catch (e) {
    if (e instanceof Failure) {
      return {
        ok: false,
        problem: e.problem,
        ...(e.at ? { at: e.at } : {}),
        ...(e.containerdError !== undefined ? { containerdError: e.containerdError } : {}),
        ...(e.hint !== undefined ? { hint: e.hint } : {}),
        decisions: notes,
      };
    }
    throw e;
  }
}

/**
 * Every `ca`/`client` path a hosts.toml references (absolute), read leniently: used by the
 * probe to know which files to look at. Never throws.
 */
export function referencedTlsFiles(dir: string, text: string): string[] {
  let data: Record<string, unknown>;
  try {
    data = parseToml(text) as Record<string, unknown>;
  } catch {
    return [];
  }
  const out: string[] = [];
  const collect = (t: Record<string, unknown>) => {
    for (const key of ['ca', 'client']) {
      const v = t[key];
      const add = (x: unknown) => {
        if (typeof x === 'string') out.push(makeAbsPath(x, dir));
        else if (Array.isArray(x)) x.forEach(add);
      };
      add(v);
    }
  };
  collect(data);
  if (isTable(data.host)) for (const v of Object.values(data.host)) if (isTable(v)) collect(v);
  return [...new Set(out)];
}

/** The entry containerd starts from when a folder has no usable hosts.toml: the server slot, to be filled with the registry itself. */
export function emptyServerEntry(): HostConfig {
  return {
    kind: 'server',
    written: '',
    scheme: '',
    host: '',
    path: '',
    capabilities: [],
    capabilitiesDefaulted: true,
    caCerts: [],
    clientPairs: [],
    header: {},
    overridePath: false,
  };
}
