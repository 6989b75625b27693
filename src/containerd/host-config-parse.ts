/**
 * containerd's `parseHostConfig`: one `[host."…"]` table (or the top-level `server` entry) into a
 * HostConfig: URL and /v2 path, capabilities, TLS files, headers, dial_timeout, with notes on each.
 */
import type { Decision } from './decision.js';
import { goParseDuration, goT, goV, isTable } from './go-value.js';
import { hasDoubleV2, hasV2Segment } from './api-path.js';
import { goPathClean, goPathIsAbs, goPathJoin, goUrlParse } from './go-url.js';
import { defaultCapabilities, type Capability, type HostConfig, type HostsFileInput } from './host-config.js';
import { Failure, pos } from './hosts-toml-failure.js';
import { firstMention, findKeyValue, type TomlScan } from './toml-scan.js';
import type { BehaviourProfile } from './version.js';

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

/** A `ca`/`client` path as containerd resolves it: relative paths are relative to the host directory. */
export function makeAbsPath(p: string, base: string): string {
  return goPathIsAbs(p) ? p : goPathJoin(base, p);
}

function stringSlice(slice: unknown[], cb?: (s: string) => string): string[] {
  return slice.map((v) => {
    if (typeof v !== 'string') throw new Failure(`expected a string, found ${JSON.stringify(goV(v))}`, undefined, `unable to cast ${goV(v)} to string`);
    return cb ? cb(v) : v;
  });
}

/** containerd `parseHostConfig`, plus our notes about what it did. */
export function parseHostConfig(
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
        source: 'parseHostConfig',
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
        source: 'parseHostConfig',
      });
    }
    // a bare trailing slash (`https://m/`) is no prefix: requests go to /v2/… as without it
    if (u.url.path.length > 0 && !overridePath && p !== goPathClean(u.url.path) && goPathClean(u.url.path) !== '/') {
      // A path that already holds /v2 (a Harbor/Nexus/Artifactory project URL) gets a second one: never an API URL.
      const twice = hasDoubleV2(p);
      notes.push({
        code: 'hosts-toml.v2-appended',
        severity: twice ? 'error' : 'warning',
        message: twice
          ? `${label}: path ${u.url.path} already holds /v2 and containerd appends another (it keeps a path as written only when it ends in /v2 or override_path = true), so requests go under ${p}/, which no registry serves`
          : `${label}: path ${u.url.path} becomes ${p} (containerd appends /v2 unless the path ends in /v2 or override_path = true)`,
        ...(entryAt ? { at: entryAt } : {}),
        source: 'parseHostConfig',
      });
    }
    if (overridePath && !hasV2Segment(p)) {
      notes.push({
        code: 'hosts-toml.override-path-without-v2',
        severity: 'error',
        message: `${label}: override_path = true and the path ${p === '' ? '(none)' : p} has no /v2, so requests go to ${p.replace(/\/+$/, '')}/<repository>/manifests/… outside the registry API (under /v2/); only a registry that serves its API without /v2 answers there`,
        ...(entryAt ? { at: entryAt } : {}),
        source: 'parseHostConfig',
      });
    } else if (overridePath) {
      notes.push({
        code: 'hosts-toml.override-path',
        severity: 'info',
        message: `${label}: override_path = true, requests go to ${p === '' ? 'the URL root /' : p} as written`,
        ...(entryAt ? { at: entryAt } : {}),
        source: 'parseHostConfig',
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
