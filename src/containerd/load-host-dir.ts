/**
 * containerd `loadHostDir` (v2.1.9 core/remotes/docker/config/hosts.go): read `<dir>/hosts.toml`; a
 * read error other than "not exist" fails the pull; an absent or empty file, or one that cannot be
 * parsed (logged at ERROR), falls back to Docker-style certificate files in the directory (`loadCertFiles`).
 */
import type { Decision } from './decision.js';
import { goPathJoin } from './go-url.js';
import { emptyServerEntry, type HostConfig } from './host-config.js';
import { parseHostsFile } from './hosts-toml.js';
import { goPathError, isNotExist, lookupEntry, type NodeSnapshot } from './node-snapshot.js';
import type { BehaviourProfile } from './version.js';

export interface LoadedHostDir {
  dir: string;
  /** Where the host list came from. */
  source: 'hosts-toml' | 'cert-files';
  /** The parsed hosts (mirrors then the server entry), or the single cert-file entry. Empty on error. */
  hosts: HostConfig[];
  /** Error containerd returns to the pull. */
  error?: string;
  /** Set when the file could not be analysed by us (too large): not a containerd behaviour. */
  unanalysable?: string;
  /** True when hosts.toml existed and was discarded (parse failure). */
  discarded: boolean;
  decisions: Decision[];
}

function certFileEntry(dir: string, snapshot: NodeSnapshot, decisions: Decision[]): { hosts: HostConfig[]; error?: string } {
  const e = lookupEntry(snapshot, dir);
  const host: HostConfig = emptyServerEntry();
  if (e.kind === 'directory' && e.listError && !isNotExist(e.listError)) {
    return { hosts: [], error: goPathError('open', dir, e.listError) };
  }
  const entries = e.kind === 'directory' ? (e.entries ?? []) : [];
  for (const f of [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (f.kind === 'directory') continue;
    if (f.name.endsWith('.crt')) host.caCerts.push(goPathJoin(dir, f.name));
    if (f.name.endsWith('.cert')) {
      const keyFile = goPathJoin(dir, `${f.name.slice(0, -5)}.key`);
      const k = lookupEntry(snapshot, keyFile);
      if (k.kind === 'stat-error' && !isNotExist(k.error)) return { hosts: [], error: goPathError('stat', keyFile, k.error) };
      host.clientPairs.push([goPathJoin(dir, f.name), k.kind === 'missing' || k.kind === 'stat-error' ? '' : keyFile]);
    }
  }
  const pem = entries.filter((f) => f.name.endsWith('.pem'));
  if (pem.length > 0) {
    decisions.push({
      code: 'cert-files.pem-ignored',
      severity: 'warning',
      message: `${pem.map((f) => f.name).join(', ')} in ${dir} ${pem.length === 1 ? 'is' : 'are'} not picked up: the Docker-style fallback only reads *.crt (CA) and *.cert/*.key (client)`,
      source: 'loadCertFiles',
    });
  }
  if (host.caCerts.length > 0 || host.clientPairs.length > 0) {
    decisions.push({
      code: 'cert-files.loaded',
      severity: 'info',
      message: `Docker-style certificates from ${dir} apply to the default upstream: ${[...host.caCerts, ...host.clientPairs.map((p) => p[0])].join(', ')}`,
      source: 'loadCertFiles',
    });
  }
  return { hosts: [host] };
}

export function loadHostDir(dir: string, snapshot: NodeSnapshot, profile: BehaviourProfile): LoadedHostDir {
  const file = goPathJoin(dir, 'hosts.toml');
  const decisions: Decision[] = [];
  const out = (r: Omit<LoadedHostDir, 'dir' | 'decisions'>): LoadedHostDir => ({ dir, decisions, ...r });
  const fail = (error: string, why: string): LoadedHostDir => {
    decisions.push({
      code: 'hosts-toml.read-error',
      severity: 'error',
      message: `${file} cannot be read (${why}); containerd returns the error and the pull fails (no fallback)`,
      containerdError: error,
      source: 'loadHostDir',
    });
    return out({ source: 'hosts-toml', hosts: [], error, discarded: false });
  };
  const fallback = (discarded: boolean): LoadedHostDir => {
    const certs = certFileEntry(dir, snapshot, decisions);
    if (certs.error !== undefined) {
      decisions.push({
        code: 'cert-files.read-error',
        severity: 'error',
        message: `${dir} cannot be listed for Docker-style certificates; containerd returns the error and the pull fails`,
        containerdError: certs.error,
        source: 'loadCertFiles',
      });
      return out({ source: 'cert-files', hosts: [], error: certs.error, discarded });
    }
    return out({ source: 'cert-files', hosts: certs.hosts, discarded });
  };

  const e = lookupEntry(snapshot, file);
  switch (e.kind) {
    case 'missing':
      decisions.push({
        code: 'hosts-toml.absent',
        severity: 'warning',
        message: `${dir} has no hosts.toml; containerd treats the directory as Docker-style certificates and uses the default upstream`,
        source: 'loadHostDir',
      });
      return fallback(false);
    case 'stat-error':
      if (isNotExist(e.error)) return fallback(false);
      return fail(goPathError('open', file, e.error), e.error.code);
    case 'directory':
      return fail(`read ${file}: is a directory`, 'it is a directory');
    case 'other':
      return fail(`read ${file}: ${e.description}`, e.description);
    case 'file':
      break;
  }
  if (e.readError) return fail(goPathError('open', file, e.readError), e.readError.code);
  if (e.size === 0) {
    decisions.push({
      code: 'hosts-toml.empty',
      severity: 'warning',
      message: `${file} is empty (0 bytes); containerd treats the directory as Docker-style certificates and uses the default upstream`,
      source: 'loadHostDir',
    });
    return fallback(false);
  }
  const content = e.content;
  if (!content) return out({ source: 'hosts-toml', hosts: [], discarded: false, unanalysable: `${file} was not read` });
  if (content.kind === 'too-large') {
    return out({ source: 'hosts-toml', hosts: [], discarded: false, unanalysable: `${file} is larger than ${content.limit} bytes; not analysed` });
  }
  if (content.kind === 'too-complex') {
    return out({ source: 'hosts-toml', hosts: [], discarded: false, unanalysable: `${file} holds more than ${content.limit} TOML tables, keys and values; not analysed` });
  }
  const logMessage = profile.decodeLogMessage(dir);
  if (content.kind === 'binary') {
    decisions.push({
      code: 'hosts-toml.discarded',
      severity: 'error',
      message: `hosts.toml discarded: not text (binary data at byte ${content.offset}) — containerd logs '${logMessage}' and uses the upstream only`,
      containerdLog: `level=error msg="${logMessage}"`,
      source: 'loadHostDir',
    });
    return fallback(true);
  }
  const parsed = parseHostsFile({ dir, text: content.text, ...(content.notUtf8 ? { notUtf8: content.notUtf8 } : {}) }, profile);
  decisions.push(...parsed.decisions);
  if (parsed.ok) {
    decisions.push({
      code: 'hosts-toml.accepted',
      severity: 'info',
      message: `${file} accepted: ${parsed.hosts.length - 1} mirror${parsed.hosts.length === 2 ? '' : 's'} then the server entry`,
      source: 'parseHostsFile',
    });
    return out({ source: 'hosts-toml', hosts: parsed.hosts, discarded: false });
  }
  const at = parsed.at ? ` at ${parsed.at.line}:${parsed.at.column}` : '';
  const err = parsed.containerdError !== undefined ? ` error=${JSON.stringify(parsed.containerdError)}` : '';
  decisions.push({
    code: 'hosts-toml.discarded',
    severity: 'error',
    message: `hosts.toml discarded: ${parsed.problem}${at} — containerd logs '${logMessage}' and uses the upstream only${parsed.hint ? ` (${parsed.hint})` : ''}`,
    ...(parsed.at ? { at: parsed.at } : {}),
    ...(parsed.containerdError !== undefined ? { containerdError: parsed.containerdError } : {}),
    containerdLog: `level=error msg="${logMessage}"${err}`,
    source: 'loadHostDir',
  });
  return fallback(true);
}
