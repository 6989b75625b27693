/**
 * config.toml layer (reference §3): does containerd start with it, does the CRI plugin load, and
 * does CRI read the hosts folders (config_path in the right table for the version, existing
 * folders, no legacy `mirrors` next to it, applied by a restart).
 */
import type { Decision, SourcePosition } from '../containerd/decision.js';
import { goPathClean } from '../containerd/go-url.js';
import { hostDirectoryName, splitConfigPath } from '../containerd/host-dirs.js';
import { firstMention, findKeyValue, scanToml } from '../containerd/toml-scan.js';
import { START_TIME_SLACK_MS } from '../containerd/start-time.js';
import type { Derived } from './derived.js';
import type { Facts } from './facts.js';
import type { Evidence, Finding } from './finding.js';
import type { Check } from './types.js';
import { apiEvidence, criRegistryTable, decisionEvidence, fileEvidence, finding, quote, restartCommand, wholeFileEvidence, sawResolver } from './make.js';

function decisions(d: Derived, code: string): Decision[] {
  return d.config.decisions.filter((x) => x.code === code);
}

/** Position of the first mention of a key path in the config files (imports searched last-first, as containerd merges). */
export function configPosition(d: Derived, path: string[], exact = false): SourcePosition | undefined {
  for (let i = d.configFiles.length - 1; i >= 0; i--) {
    const f = d.configFiles[i]!;
    const scan = scanToml(f.text);
    const p = exact ? findKeyValue(scan, path) : firstMention(scan, path);
    if (p) return { file: f.path, line: p.line, column: p.column };
  }
  return undefined;
}

/** The registry table path the analysis read (`plugins.<id>.registry`), as key parts. */
function registryPath(d: Derived): string[] {
  const v2 = d.profile.version.major >= 2;
  if (v2) return ['plugins', 'io.containerd.cri.v1.images', 'registry'];
  return d.config.version === 1 ? ['plugins', 'cri', 'registry'] : ['plugins', 'io.containerd.grpc.v1.cri', 'registry'];
}

/** Where the user's hosts.toml files are: the first root holding a folder for the registry, else config_path, else the default. */
function suggestedRoot(d: Derived): string {
  const withFolder = d.hostDirs.find((v) => v.dir && v.loaded?.source === 'hosts-toml');
  return withFolder?.root ?? splitConfigPath(d.config.cri.configPath)[0] ?? d.hostsDir;
}

function configPathFix(facts: Facts, d: Derived, root: string): string[] {
  const table = criRegistryTable(d.profile.version.major, d.config.version);
  const versionLine = d.config.versionWritten === undefined ? `${d.profile.version.major >= 2 ? 'version = 3' : 'version = 2'}   # at the top of the file\n` : '';
  return [`edit ${facts.configFile}:\n${versionLine}${table}\n  config_path = ${quote(root)}`, restartCommand(facts)];
}

const configMissing: Check = {
  id: 'config-missing',
  run(facts, d) {
    if (d.config.found || d.config.unreadable) return [];
    const dflt = d.profile.criDefaultConfigPath.value;
    return [
      finding('config-missing', {
        severity: dflt === '' ? 'warning' : 'info',
        detail: `${facts.configFile} does not exist, so containerd runs with its built-in defaults: CRI config_path is ${dflt === '' ? `empty in ${d.profile.label}, so CRI reads no hosts.toml` : quote(dflt)}.`,
        evidence: [wholeFileEvidence(facts.configFile, 'does not exist')],
        fix: [`containerd config default > ${facts.configFile}`, ...configPathFix(facts, d, suggestedRoot(d))],
      }),
    ];
  },
};

const configUnreadable: Check = {
  id: 'config-unreadable',
  run(facts, d) {
    if (!d.config.unreadable) return [];
    return [
      finding('config-unreadable', {
        detail: `${facts.configFile} cannot be read: ${d.config.unreadable}. The config checks below are based on nothing; run as root or pass --config.`,
        evidence: [wholeFileEvidence(facts.configFile, d.config.unreadable)],
        fix: [`sudo mirror-doctor check`, `ls -l ${facts.configFile}`],
      }),
    ];
  },
};

const configParseError: Check = {
  id: 'config-parse-error',
  run(facts, d) {
    const ds = [...decisions(d, 'config.syntax-error'), ...decisions(d, 'config.import-unreadable')];
    return ds.map((x) =>
      finding('config-parse-error', {
        detail: `${x.message}. containerd exits at startup with "failed to load TOML"; a running daemon still uses the config it was started with.`,
        evidence: [...decisionEvidence(facts.snapshot, x), ...(x.at ? [] : [wholeFileEvidence(facts.configFile, x.message)])],
        fix: [x.at ? `fix ${x.at.file} line ${x.at.line}, then check with: containerd config dump` : `fix or remove the import, then: containerd config dump`],
      }),
    );
  },
};

const configVersionMissing: Check = {
  id: 'config-version-missing',
  run(facts, d) {
    const ds = decisions(d, 'config.no-version');
    if (ds.length === 0) return [];
    const want = d.profile.version.major >= 2 ? 3 : 2;
    return [
      finding('config-version-missing', {
        detail: `${ds[0]!.message}.`,
        evidence: [{ kind: 'file', source: facts.configFile, line: 1, column: 1, text: 'no `version = …` line in the file' }],
        fix: [`add \`version = ${want}\` as the first line of ${facts.configFile} and name plugins by full id (${criRegistryTable(d.profile.version.major, want)})`, ...(d.profile.version.major >= 2 ? ['containerd config migrate   # prints the migrated file'] : []), restartCommand(facts)],
      }),
    ];
  },
};

const configVersionUnsupported: Check = {
  id: 'config-version-unsupported',
  run(facts, d) {
    const ds = decisions(d, 'config.version3-on-1x');
    if (ds.length === 0) return [];
    const at = configPosition(d, ['version'], true);
    const fatal = ds[0]!.severity === 'error';
    return [
      finding('config-version-unsupported', {
        severity: fatal ? 'error' : 'warning',
        detail: `${ds[0]!.message}.`,
        evidence: [...(at ? [fileEvidence(facts.snapshot, at)] : []), ...decisionEvidence(facts.snapshot, { ...ds[0]!, at: undefined } as Decision)],
        fix: [`set \`version = 2\` in ${facts.configFile} and use ${criRegistryTable(1, 2)} for config_path (containerd ${d.profile.version.major}.x)`, restartCommand(facts)],
      }),
    ];
  },
};

const disabledPluginInvalid: Check = {
  id: 'disabled-plugin-invalid',
  run(facts, d) {
    const ds = decisions(d, 'config.disabled-plugin-invalid');
    if (ds.length === 0) return [];
    const at = configPosition(d, ['disabled_plugins'], true);
    return [
      finding('disabled-plugin-invalid', {
        detail: `${ds[0]!.message}.`,
        evidence: [...(at ? [fileEvidence(facts.snapshot, at)] : []), ...decisionEvidence(facts.snapshot, ds[0]!)],
        fix: [`use full plugin ids in disabled_plugins (e.g. "io.containerd.grpc.v1.cri"), then: ${restartCommand(facts)}`],
      }),
    ];
  },
};

const criPluginDisabled: Check = {
  id: 'cri-plugin-disabled',
  run(facts, d) {
    const ds = decisions(d, 'config.cri-disabled');
    if (ds.length === 0) return [];
    const at = configPosition(d, ['disabled_plugins'], true);
    return [
      finding('cri-plugin-disabled', {
        detail: `${ds[0]!.message}. Only ctr can pull on this node; kubelet cannot talk to containerd at all.`,
        evidence: at ? [fileEvidence(facts.snapshot, at)] : [wholeFileEvidence(facts.configFile, ds[0]!.message)],
        fix: [`remove the CRI plugin from disabled_plugins in ${at?.file ?? facts.configFile}`, restartCommand(facts)],
      }),
    ];
  },
};

function criPluginErrors(facts: Facts): Array<{ id: string; error: string }> {
  const out: Array<{ id: string; error: string }> = [];
  for (const p of facts.plugins.value ?? []) {
    if (p.status === 'error' && /cri/.test(p.id)) out.push({ id: p.id, error: p.error ?? 'failed to load' });
  }
  return out;
}

const criPluginFailed: Check = {
  id: 'cri-plugin-failed',
  run(facts, d) {
    const mirrorsConflict = decisions(d, 'config.mirrors-with-config-path').length > 0;
    const evidence: Evidence[] = [];
    const reasons: string[] = [];
    for (const x of decisions(d, 'config.configs-tls-with-config-path')) {
      reasons.push(x.message);
      evidence.push(...decisionEvidence(facts.snapshot, x));
      const at = configPosition(d, [...registryPath(d), 'configs']);
      if (at) evidence.push(fileEvidence(facts.snapshot, at));
    }
    for (const p of criPluginErrors(facts)) {
      if (mirrorsConflict && /mirrors/.test(p.error)) continue; // mirrors-with-config-path explains it
      reasons.push(`plugin ${p.id} failed to load: ${p.error}`);
      evidence.push(commandEvidence(p.id, p.error));
    }
    const cri = d.trace.cri;
    if (reasons.length === 0 && cri?.code === 'UNIMPLEMENTED' && !mirrorsConflict && decisions(d, 'config.cri-disabled').length === 0) {
      reasons.push('the daemon answers "unknown service runtime.v1.ImageService": the CRI plugin is not loaded; the daemon log says why ("failed to load plugin")');
      evidence.push(apiEvidence('CRI runtime.v1.ImageService/PullImage', cri.error ?? 'UNIMPLEMENTED'));
    }
    if (reasons.length === 0) return [];
    return [
      finding('cri-plugin-failed', {
        detail: `${reasons.join('; ')}. containerd keeps running without CRI, so kubelet cannot pull at all.`,
        evidence,
        fix: [`journalctl -u ${facts.daemon.systemd?.unit ?? 'containerd'} | grep "failed to load plugin"`, 'fix the reported setting, then: ' + restartCommand(facts)],
      }),
    ];
  },
};

function commandEvidence(source: string, text: string): Evidence {
  return { kind: 'command', source: `ctr plugins ls (${source})`, text };
}

const configPathUnset: Check = {
  id: 'config-path-unset',
  run(facts, d) {
    const cri = d.config.cri;
    if (d.config.unreadable || d.config.startupError || !d.profile.criConfigPath) return [];
    if (cri.configPath !== '' || Object.keys(cri.mirrors).length > 0) return [];
    if (decisions(d, 'config.registry-wrong-table').length > 0) return []; // config-path-wrong-section says where it went
    const evidence: Evidence[] = [];
    if (cri.configPathAt) evidence.push(fileEvidence(facts.snapshot, cri.configPathAt, 'empty'));
    else {
      const at = configPosition(d, registryPath(d));
      evidence.push(at ? fileEvidence(facts.snapshot, at, 'no config_path in this table') : wholeFileEvidence(facts.configFile, `no config_path in ${criRegistryTable(d.profile.version.major, d.config.version)}`));
    }
    const live = facts.liveCri.value;
    if (live?.exposed) evidence.push(apiEvidence('CRI Status (verbose) config.registry.configPath', quote(live.configPath ?? '')));
    const root = suggestedRoot(d);
    const has = d.hostDirs.find((v) => v.root === root && v.dir);
    return [
      finding('config-path-unset', {
        detail:
          `The CRI plugin's registry config_path is not set (its default is "" in ${d.profile.label}), so CRI pulls (kubelet, crictl) read no hosts.toml at all${has ? ` — ${has.dir}/hosts.toml is never read by CRI` : ''}. ` +
          'ctr with --hosts-dir can still use the mirror, which makes the files look right.',
        evidence,
        fix: configPathFix(facts, d, root),
      }),
    ];
  },
};

const configPathWrongSection: Check = {
  id: 'config-path-wrong-section',
  run(facts, d) {
    const table = criRegistryTable(d.profile.version.major, d.config.version);
    return decisions(d, 'config.registry-wrong-table').map((x) =>
      finding('config-path-wrong-section', {
        detail: `${x.message}.`,
        evidence: decisionEvidence(facts.snapshot, x),
        fix: [`move the settings to ${table} in ${x.at?.file ?? facts.configFile}${d.config.versionWritten === undefined ? ` and add \`version = ${d.profile.version.major >= 2 ? 3 : 2}\` at the top` : ''}`, restartCommand(facts)],
      }),
    );
  },
};

/** Does a node path exist? true/false when known, null when nobody looked. */
function exists(facts: Facts, path: string): boolean | null {
  const p = goPathClean(path);
  const fact = facts.hostDirEntries.find((e) => goPathClean(e.path) === p);
  if (fact) return fact.kind !== 'missing';
  const e = facts.snapshot.entries[p];
  if (e) return e.kind !== 'missing';
  // any known entry below it proves it exists
  if (Object.entries(facts.snapshot.entries).some(([k, v]) => k.startsWith(`${p}/`) && v.kind !== 'missing')) return true;
  return null;
}

const configPathMissingDir: Check = {
  id: 'config-path-missing-dir',
  run(facts, d) {
    const cri = d.config.cri;
    if (!cri.loads || cri.configPath === '' || d.plans.cri.hostRoots.length === 0) return [];
    if (cri.pullMode === 'transfer' && cri.configPath.includes(':')) return []; // config-path-list-transfer
    const roots = splitConfigPath(cri.configPath).filter((r) => r !== '');
    const missing = roots.filter((r) => exists(facts, r) === false);
    if (missing.length === 0) return [];
    const all = missing.length === roots.length;
    const ev: Evidence[] = cri.configPathAt ? [fileEvidence(facts.snapshot, cri.configPathAt)] : [];
    for (const m of missing) ev.push(wholeFileEvidence(m, 'does not exist'));
    const existing = d.hostDirs.find((v) => v.dir && !roots.includes(v.root));
    return [
      finding('config-path-missing-dir', {
        severity: all ? 'error' : 'warning',
        detail: `config_path ${quote(cri.configPath)} names ${missing.map(quote).join(', ')}, which ${missing.length === 1 ? 'does' : 'do'} not exist${all ? ': CRI finds no hosts folder and uses the upstream' : ''}.${existing ? ` The registry folder is under ${existing.root}.` : ''}`,
        evidence: ev,
        fix: existing ? configPathFix(facts, d, existing.root) : [`mkdir -p ${missing[0]}/${d.registryHost ? hostDirectoryName(d.registryHost) : '<registry>'} and write hosts.toml there`],
      }),
    ];
  },
};

const configPathMismatch: Check = {
  id: 'config-path-mismatch',
  run(facts, d) {
    const cri = d.config.cri;
    if (!cri.loads || cri.configPath === '' || d.plans.cri.hostRoots.length === 0 || d.plans.cri.lookup?.dir) return [];
    if (cri.pullMode === 'transfer' && cri.configPath.includes(':')) return [];
    const roots = splitConfigPath(cri.configPath).map(goPathClean);
    const elsewhere = d.hostDirs.find((v) => v.dir && v.loaded?.source === 'hosts-toml' && !roots.includes(v.root));
    if (!elsewhere) return [];
    return [
      finding('config-path-mismatch', {
        detail: `The hosts.toml for ${d.registryHost} is in ${elsewhere.dir}, but config_path is ${quote(cri.configPath)}: CRI never looks under ${elsewhere.root}.`,
        evidence: [...(cri.configPathAt ? [fileEvidence(facts.snapshot, cri.configPathAt)] : []), wholeFileEvidence(`${elsewhere.dir}/hosts.toml`, 'not under config_path')],
        fix: configPathFix(facts, d, elsewhere.root),
      }),
    ];
  },
};

const configPathListTransfer: Check = {
  id: 'config-path-list-transfer',
  run(facts, d) {
    const ds = d.plans.cri.decisions.filter((x) => x.code === 'cri.transfer-colon-list');
    if (ds.length === 0) return [];
    const root = splitConfigPath(d.config.cri.configPath).find((r) => d.hostDirs.some((v) => v.root === r && v.dir)) ?? splitConfigPath(d.config.cri.configPath)[0]!;
    const images = '[plugins."io.containerd.cri.v1.images"]';
    return [
      finding('config-path-list-transfer', {
        detail: `${ds[0]!.message}.${d.config.cri.configPathSource !== 'file' ? ` The value is ${d.profile.label}'s default (${d.config.cri.configPathSource}), not written in the file.` : ''}`,
        evidence: [...decisionEvidence(facts.snapshot, ds[0]!), ...(ds[0]!.at ? [] : [wholeFileEvidence(facts.configFile, `config_path = ${quote(d.config.cri.configPath)} (default)`)])],
        fix: [`edit ${facts.configFile}:\n${criRegistryTable(2, 3)}\n  config_path = ${quote(root)}`, `or keep the list and pull locally:\n${images}\n  use_local_image_pull = true`, restartCommand(facts)],
      }),
    ];
  },
};

const transferConfigPathUnused: Check = {
  id: 'transfer-config-path-unused',
  run(facts, d) {
    return decisions(d, 'config.transfer-config-path-unused').map((x) =>
      finding('transfer-config-path-unused', {
        detail: `${x.message}. ctr reads hosts only from --hosts-dir; CRI from its registry config_path.`,
        evidence: decisionEvidence(facts.snapshot, x),
        fix: [`remove it, set ${criRegistryTable(d.profile.version.major, d.config.version)} config_path for CRI, and pass --hosts-dir to ctr`],
      }),
    );
  },
};

const mirrorsWithConfigPath: Check = {
  id: 'mirrors-with-config-path',
  run(facts, d) {
    const ds = decisions(d, 'config.mirrors-with-config-path');
    if (ds.length === 0) return [];
    const x = ds[0]!;
    const evidence: Evidence[] = [];
    if (d.config.cri.configPathAt) evidence.push(fileEvidence(facts.snapshot, d.config.cri.configPathAt));
    const m = configPosition(d, [...registryPath(d), 'mirrors']) ?? configPosition(d, ['plugins', 'io.containerd.grpc.v1.cri', 'registry', 'mirrors']);
    if (m) evidence.push(fileEvidence(facts.snapshot, m));
    evidence.push(...decisionEvidence(facts.snapshot, { ...x, at: undefined } as Decision));
    for (const p of criPluginErrors(facts)) evidence.push({ kind: 'command', source: `ctr plugins ls (${p.id})`, text: p.error });
    if (d.trace.cri?.code === 'UNIMPLEMENTED') evidence.push(apiEvidence('CRI PullImage', d.trace.cri.error ?? 'UNIMPLEMENTED: unknown service runtime.v1.ImageService'));
    return [
      finding('mirrors-with-config-path', {
        detail: `${x.message}. kubelet cannot pull (or start pods) until one of the two is removed.`,
        evidence,
        fix: [`delete the registry.mirrors tables from ${m?.file ?? facts.configFile} (see legacy-mirrors for the equivalent hosts.toml files), keep config_path`, restartCommand(facts)],
      }),
    ];
  },
};

/** The hosts.toml equivalent to one legacy `registry.mirrors."<host>".endpoint` list. */
export function legacyHostsToml(host: string, endpoints: string[]): string {
  const lines: string[] = [];
  if (host !== '*') lines.push(`server = ${quote(host === 'docker.io' ? 'https://registry-1.docker.io' : `https://${host}`)}`, '');
  const upstream = host === 'docker.io' ? 'registry-1.docker.io' : host;
  for (const e of endpoints) {
    const url = e.includes('://') ? e : `https://${e}`;
    if (new RegExp(`^https?://${upstream.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/?$`).test(url)) continue; // the upstream itself: the server line
    lines.push(`[host.${quote(url.replace(/\/$/, ''))}]`, '  capabilities = ["pull", "resolve"]', '');
  }
  return lines.join('\n');
}

const legacyMirrors: Check = {
  id: 'legacy-mirrors',
  run(facts, d) {
    const mirrors = d.config.cri.mirrors;
    const hosts = Object.keys(mirrors);
    if (hosts.length === 0) return [];
    const root = suggestedRoot(d);
    const files = hosts.map((h) => {
      const dir = `${root}/${h === '*' ? '_default' : hostDirectoryName(h)}`;
      return `mkdir -p ${dir} && cat > ${dir}/hosts.toml <<'EOF'\n${legacyHostsToml(h, mirrors[h] ?? [])}EOF`;
    });
    const at = configPosition(d, [...registryPath(d), 'mirrors']) ?? configPosition(d, ['plugins', 'io.containerd.grpc.v1.cri', 'registry', 'mirrors']);
    const conflict = decisions(d, 'config.mirrors-with-config-path').length > 0;
    return [
      finding('legacy-mirrors', {
        detail: `config.toml sets the deprecated registry.mirrors for ${hosts.join(', ')}. ${conflict ? 'Next to config_path it stops the CRI plugin from loading.' : 'They only work while config_path is empty, ctr never reads them, and they force local pulls on 2.1+.'} The equivalent hosts.toml files are below.`,
        evidence: at ? [fileEvidence(facts.snapshot, at)] : [],
        fix: [...files, ...configPathFix(facts, d, root).slice(0, 1), `delete the registry.mirrors tables from ${at?.file ?? facts.configFile}`, restartCommand(facts)],
      }),
    ];
  },
};

const configImportsReplace: Check = {
  id: 'config-imports-replace',
  run(facts, d) {
    if (d.profile.importsMerge !== 'replace-plugin-table' || d.configFiles.length < 2) return [];
    const out: Finding[] = [];
    const isTable = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
    for (let i = 1; i < d.configFiles.length; i++) {
      const imp = d.configFiles[i]!;
      const plugins = isTable(imp.data.plugins) ? imp.data.plugins : {};
      for (const [id, table] of Object.entries(plugins)) {
        for (let j = 0; j < i; j++) {
          const earlier = d.configFiles[j]!;
          const ep = isTable(earlier.data.plugins) ? earlier.data.plugins[id] : undefined;
          if (!isTable(ep) || !isTable(table)) continue;
          const dropped = Object.keys(ep).filter((k) => !(k in table));
          if (dropped.length === 0) continue;
          const a = firstMention(scanToml(earlier.text), ['plugins', id]);
          const b = firstMention(scanToml(imp.text), ['plugins', id]);
          out.push(
            finding('config-imports-replace', {
              severity: id.includes('cri') ? 'error' : 'warning',
              detail: `${imp.path} sets plugins.${quote(id)}, which in ${d.profile.label} replaces the whole table from ${earlier.path}: ${dropped.map((k) => `\`${k}\``).join(', ')} ${dropped.length === 1 ? 'is' : 'are'} dropped.`,
              evidence: [
                ...(b ? [fileEvidence(facts.snapshot, { file: imp.path, line: b.line, column: b.column }, 'replaces')] : []),
                ...(a ? [fileEvidence(facts.snapshot, { file: earlier.path, line: a.line, column: a.column }, 'dropped')] : []),
              ],
              fix: [`repeat ${dropped.join(', ')} inside plugins.${quote(id)} in ${imp.path}, or keep that plugin's settings in one file`, 'containerd config dump   # shows the merged result'],
            }),
          );
        }
      }
    }
    return out;
  },
};

const restartRequired: Check = {
  id: 'restart-required',
  run(facts, d) {
    if (d.config.unreadable || !d.config.found) return [];
    const cri = d.config.cri;
    const started = facts.daemon.process?.startedAt ?? null;
    // the newest of config.toml and its imports (configMtimes is optional)
    const mtimes = [facts.configMtime, ...Object.values(facts.configMtimes ?? {})].filter((x): x is number => typeof x === 'number');
    const mtime = mtimes.length ? Math.max(...mtimes) : null;
    const newer = started !== null && mtime !== null ? mtime > started + START_TIME_SLACK_MS : null;
    const timeEvidence: Evidence[] =
      started !== null && mtime !== null
        ? [{ kind: 'command', source: `stat ${facts.configFile}; /proc/${facts.daemon.process!.pid}/stat (start time)`, text: `config.toml modified ${new Date(mtime).toISOString()}, containerd started ${new Date(started).toISOString()}` }]
        : [];
    const fileEv: Evidence[] = cri.configPathAt ? [fileEvidence(facts.snapshot, cri.configPathAt)] : [];
    const live = facts.liveCri.value;
    const mk = (severity: 'error' | 'warning', detail: string, evidence: Evidence[]) => [
      finding('restart-required', { severity, detail, evidence, fix: [restartCommand(facts), 'hosts.toml edits need no restart; config.toml edits do'] }),
    ];
    if (live?.exposed && cri.loads && !d.config.startupError) {
      const fileHasMirrors = Object.keys(cri.mirrors).length > 0;
      if ((live.configPath ?? '') !== cri.configPath || live.hasMirrors !== fileHasMirrors) {
        return mk(
          'error',
          `The running daemon's CRI config differs from ${facts.configFile}: live config_path ${quote(live.configPath ?? '')}${live.hasMirrors !== fileHasMirrors ? ` (mirrors ${live.hasMirrors ? 'set' : 'unset'})` : ''}, file ${quote(cri.configPath)}. containerd reads config.toml only at start${newer ? ', and the file changed after this daemon started' : ''}.`,
          [apiEvidence('CRI Status (verbose) config.registry.configPath', quote(live.configPath ?? '')), ...fileEv, ...timeEvidence],
        );
      }
      return [];
    }
    // 2.x does not expose the registry config: the CRI trace tells whether the hosts folder was read.
    const doc = d.trace.cri?.doc;
    if (newer === true && doc && sawResolver(d.trace.cri!) && !doc.hostsDir && d.plans.cri.lookup?.dir) {
      return mk(
        'error',
        `${facts.configFile} sets config_path ${quote(cri.configPath)} and would load ${d.plans.cri.lookup.dir}, but the CRI pull loaded no hosts folder, and the file changed after containerd started: the daemon still runs the old config.`,
        [...fileEv, ...timeEvidence, { kind: 'trace', source: 'CRI (as kubelet) daemon log', line: doc.lines.first, text: 'no "loading host directory" line before the first request' }],
      );
    }
    // at info level: the CRI pull's evidence (a daemon line or connection for every mirror it asks)
    const ev = d.trace.cri?.evidence;
    if (newer === true && ev && ev.mirrorTried === false && ev.level !== 'unknown' && d.plans.cri.lookup?.dir) {
      return mk(
        'error',
        `${facts.configFile} sets config_path ${quote(cri.configPath)} and would have CRI use ${d.plans.cri.lookup.dir}, but the CRI pull asked no mirror (${ev.level}: ${ev.basis.join('; ')}), and the file changed after containerd started: the daemon still runs the old config.`,
        [...fileEv, ...timeEvidence, { kind: 'log', source: `CRI (as kubelet) (${ev.level})`, text: ev.basis.join('; ') }],
      );
    }
    if (newer === true) {
      return mk('warning', `${facts.configFile} changed after containerd started; the daemon does not see the change until it is restarted.`, timeEvidence);
    }
    return [];
  },
};

export const CONFIG_CHECKS: Check[] = [
  configMissing,
  configUnreadable,
  configParseError,
  configVersionMissing,
  configVersionUnsupported,
  disabledPluginInvalid,
  criPluginDisabled,
  criPluginFailed,
  configPathUnset,
  configPathWrongSection,
  configPathMissingDir,
  configPathMismatch,
  configPathListTransfer,
  transferConfigPathUnused,
  mirrorsWithConfigPath,
  legacyMirrors,
  configImportsReplace,
  restartRequired,
];

