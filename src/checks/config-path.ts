/**
 * Does CRI read the hosts folders (containerd v2.1.9 internal/cri/server/images/image_pull.go
 * registryHosts): config_path set, in the right table for the version, naming folders that exist and
 * hold the registry's, and usable with the pull mode.
 */
import { goPathClean } from '../containerd/go-url.js';
import { dottedPath } from '../containerd/toml-scan.js';
import { hostDirectoryName, splitConfigPath } from '../containerd/host-dirs.js';
import { newHostsTomlFix } from './host-dirs.js';
import { configPosition, decisions, registryPath, setInTable } from './config-locate.js';
import { anyHostsToml, type Derived } from './derived.js';
import { editDistance } from './edit-distance.js';
import { REGISTRY_KEYS, registryTables } from './registry-tables.js';
import { tlsLinesOf } from './legacy-tls.js';
import { isTable } from '../containerd/go-value.js';
import { invalidPluginId } from '../containerd/plugin-ids.js';
import type { Facts } from './facts.js';
import type { Evidence } from './finding.js';
import type { Check } from './types.js';
import { apiEvidence, criRegistryTable, decisionEvidence, fileEvidence, finding, quote, restartCommand, rewritesFromRegistriesYaml, wholeFileEvidence } from './make.js';

/** Where the user's hosts.toml files are: the first root holding a folder for the registry, else config_path, else the default. */
export function suggestedRoot(d: Derived): string {
  const withFolder = d.hostDirs.find((v) => v.dir && v.loaded?.source === 'hosts-toml');
  return withFolder?.root ?? splitConfigPath(d.config.cri.configPath)[0] ?? d.hostsDir;
}

/** The fix that sets config_path to `root` in the right table, then restarts containerd. */
export function configPathFix(facts: Facts, d: Derived, root: string): string[] {
  const major = d.profile.version.major;
  // `containerd config default` writes the current version with `config_path = ""` in the registry table
  if (!d.config.found) {
    const table = major >= 2 ? criRegistryTable(major, 3).replaceAll('"', "'") : criRegistryTable(major, 2); // as the default file spells it
    return [`containerd config default > ${facts.configFile}`, `in ${facts.configFile}, under ${table}, set:\n  config_path = ${quote(root)}`, restartCommand(facts)];
  }
  // a file without `version` is version 1: 1.x reads [plugins.cri.registry] there (config dump, 1.6 and 1.7),
  // while `version = 2` on top would make its other short plugin names invalid; 2.x applies no CRI table of it
  if (d.config.versionWritten === undefined && major >= 2) {
    return [`edit ${facts.configFile}:\nversion = 3   # at the top of the file\n${criRegistryTable(major, 3)}\n  config_path = ${quote(root)}`, restartCommand(facts)];
  }
  return [setInTable(d, facts.configFile, registryPath(d), criRegistryTable(major, d.config.version), [`config_path = ${quote(root)}`]), restartCommand(facts)];
}


/** Keys of a CRI registry table that look like config_path (config-path, configPath, config_paths, …), which containerd does not know. */
function configPathLookalikes(d: Derived): Array<{ key: string; path: string[] }> {
  const out: Array<{ key: string; path: string[] }> = [];
  for (const { path, table } of registryTables(d.configFiles)) {
    for (const key of Object.keys(table)) {
      if (REGISTRY_KEYS.includes(key)) continue;
      if (editDistance(key.toLowerCase().replace(/[-_\s]/g, ''), 'configpath') <= 2) out.push({ key, path: [...path, key] });
    }
  }
  return out;
}

export const configPathUnset: Check = {
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
    // a misspelt key is the usual reason: containerd ignores a key it does not know
    const lookalikes = configPathLookalikes(d).map((l) => ({ ...l, at: configPosition(d, l.path, true) }));
    for (const l of lookalikes) {
      if (l.at) evidence.push(fileEvidence(facts.snapshot, l.at, 'not config_path: containerd ignores this key'));
      // 2.x decodes plugin tables strictly and says so at startup (recorded with 2.1.9)
      if (d.profile.version.major >= 2) evidence.push({ kind: 'log', source: 'containerd (expected log line)', text: `level=warning msg="Ignoring unknown key in TOML for plugin" error="strict mode: fields in the document are missing in the target struct" key="registry ${l.key}" plugin=io.containerd.cri.v1.images` });
    }
    const live = facts.liveCri.value;
    if (live?.exposed) evidence.push(apiEvidence('CRI Status (verbose) config.registry.configPath', quote(live.configPath ?? '')));
    const root = suggestedRoot(d);
    const has = d.hostDirs.find((v) => v.root === root && v.dir);
    // nothing on the node names a mirror for the registry: no folder in any hosts root
    const none = d.registryHost !== null && !d.hostDirs.some((v) => v.dir) && d.misnamedDirs.length === 0;
    // no mirror wanted, only the registry's TLS settings in a table 2.x ignores: configs-tls-ignored says where they go
    const tlsOnly = !anyHostsToml(d) && d.misnamedDirs.length === 0 && decisions(d, 'config.configs-tls-ignored').some((x) => x.configPath?.at(-2) === d.registryHost);
    const misspelt = lookalikes.map((l) => `${quote(l.key)}${l.at ? ` (${l.at.file} line ${l.at.line})` : ''}`);
    // k3s/RKE2 render config.toml from a template that is a plain copy: registries.yaml never reaches it (rke2#5084)
    const dist = facts.distribution;
    const yamlMirrors = dist.registriesYaml?.keys.some((k) => k.path.length === 2 && k.path[0] === 'mirrors') ?? false;
    if (rewritesFromRegistriesYaml(facts) && dist.template && dist.templateStatic && yamlMirrors && lookalikes.length === 0) {
      return [
        finding('config-path-unset', {
          title: `${dist.template} is a copy of a config.toml, not a template: registries.yaml never reaches containerd`,
          detail: `${dist.kind} renders ${facts.configFile} from ${dist.template} at every start, and that file has no {{ … }} action: it is rendered as it is, without the config_path (or mirrors) ${dist.kind} would write from ${dist.registriesYaml!.path}. So CRI reads no hosts.toml, and a restart renders the same file again.`,
          evidence: [...evidence, wholeFileEvidence(dist.template, 'no {{ … }} action: a static copy')],
          fix: [
            `make ${dist.template} a template that writes the registry settings: the stock template of your ${dist.kind} release with your settings added (releases that have it: {{ template "base" . }} on the first line, your settings below), or delete it to use the stock one`,
            restartCommand(facts),
          ],
        }),
      ];
    }
    if (tlsOnly && lookalikes.length === 0) {
      return [
        finding('config-path-unset', {
          severity: 'warning',
          detail: `The CRI plugin's registry config_path is not set (its default is "" in ${d.profile.label}), so CRI pulls read no hosts.toml. No mirror is configured for ${d.registryHost}, and none is needed: its TLS settings, which ${d.profile.label} ignores in config.toml (configs-tls-ignored), go into a hosts.toml of its own, read once config_path is set.`,
          evidence,
          fix: configPathFix(facts, d, root),
        }),
      ];
    }
    return [
      finding('config-path-unset', {
        detail:
          `The CRI plugin's registry config_path is not set (its default is "" in ${d.profile.label}), so CRI pulls (kubelet, crictl) read no hosts.toml at all${has ? ` — ${has.loaded?.source === 'hosts-toml' ? `${has.dir}/hosts.toml is` : `${has.dir} (its certificate files) is`} never read by CRI` : ''}. ` +
          (misspelt.length ? `The registry table has ${misspelt.join(', ')}, a key containerd does not know: the name is config_path. ` : '') +
          (none ? `No hosts folder for ${d.registryHost} exists either (${root} has none): a mirror needs config_path and a hosts.toml.` : 'ctr with --hosts-dir can still use the mirror, which makes the files look right.'),
        evidence,
        fix: [
          ...lookalikes.map((l) => `rename ${l.key} to config_path${l.at ? ` in ${l.at.file} line ${l.at.line}` : ''}, then: ${restartCommand(facts)}`),
          ...(none && d.registryHost ? newHostsTomlFix(root, d.registryHost) : []),
          ...(lookalikes.length ? [] : configPathFix(facts, d, root)),
        ],
      }),
    ];
  },
};

/** hosts.toml lines for the registry.configs.*.tls tables of the registry table at `path` (as written, in any file). */
function tlsLinesUnder(d: Derived, path: readonly string[]): { lines: Map<string, string[]>; more: boolean } {
  const tables = d.configFiles.map((f) => path.reduce<unknown>((t, k) => (isTable(t) ? t[k] : undefined), f.data)).filter(isTable);
  // anything besides the tls tables, which the move still applies to
  const more = tables.some((t) => Object.keys(t).some((k) => k !== 'configs') || (isTable(t.configs) && Object.values(t.configs).some((c) => !isTable(c) || Object.keys(c).some((k) => k !== 'tls'))));
  return { lines: tlsLinesOf(tables.map((table) => ({ path: [...path], table }))), more };
}

/**
 * 1.x, a file without `version` (read as version 1) with the registry under a full plugin id: either
 * `version = 2` on top, which keeps the table as written but makes containerd refuse to start when
 * any other plugin id in the file is short (ValidateV2), or the version-1 name, never both.
 */
function versionlessFix(facts: Facts, d: Derived, wrong: readonly string[] | undefined): string | null {
  if (d.config.versionWritten !== undefined || d.profile.version.major >= 2) return null;
  const file = facts.configFile;
  const ids = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const keys = new Set<string>();
  const disabled: string[] = [];
  const required: string[] = [];
  for (const f of d.configFiles) {
    if (isTable(f.data.plugins)) for (const k of Object.keys(f.data.plugins)) keys.add(k);
    disabled.push(...ids(f.data.disabled_plugins));
    required.push(...ids(f.data.required_plugins));
  }
  // before 1.3 there is no `version` field: the short name is the only one
  if (d.profile.version.minor < 3) return `move the settings to ${criRegistryTable(1, 1)} in ${file}: ${d.profile.label} names plugins by short id only (the \`version\` field came in 1.3)`;
  const bad = invalidPluginId(d.profile.pluginIdValidation, { disabled, required, keys: [...keys] });
  if (bad === null && wrong?.[1] === 'io.containerd.grpc.v1.cri') return `add \`version = 2\` as the first line of ${file}: [${dottedPath(wrong)}] is then read as written`;
  if (bad === null) return `move the settings to ${criRegistryTable(1, 2)} in ${file} and add \`version = 2\` as its first line`;
  return `move the settings to ${criRegistryTable(1, 1)} in ${file}, without adding a version line: with \`version = 2\` containerd would refuse to start on ${bad.kind === 'key' ? `[plugins.${JSON.stringify(bad.id)}]` : `${bad.key} ${JSON.stringify(bad.id)}`} (${bad.error})`;
}

export const configPathWrongSection: Check = {
  id: 'config-path-wrong-section',
  run(facts, d) {
    const table = criRegistryTable(d.profile.version.major, d.config.version);
    return decisions(d, 'config.registry-wrong-table').map((x) => {
      // 2.x has no registry.configs.*.tls in any table: moved, it would be ignored (configs-tls-ignored)
      const under = d.profile.version.major >= 2 && x.configPath ? tlsLinesUnder(d, x.configPath) : { lines: new Map<string, string[]>(), more: true };
      const tls = under.lines;
      return finding('config-path-wrong-section', {
        detail: `${x.message}.${tls.size > 0 ? ` Its registry.configs.*.tls tables (${[...tls.keys()].map(quote).join(', ')}) would be ignored even in that table: ${d.profile.label} reads TLS settings from hosts.toml only.` : ''}`,
        evidence: decisionEvidence(facts.snapshot, x),
        fix: [
          ...(under.more || tls.size === 0
            ? [versionlessFix(facts, d, x.configPath) ?? `move the settings to ${table} in ${x.at?.file ?? facts.configFile}${tls.size > 0 ? ' (all but the tls tables)' : ''}${d.config.versionWritten === undefined ? ` and add \`version = 3\` at the top` : ''}`]
            : [`delete [${dottedPath(x.configPath ?? [])}] from ${x.at?.file ?? facts.configFile}: it holds only tls tables`]),
          ...[...tls].map(([h, lines]) => `in the hosts.toml of each registry that uses ${h}, under [host."https://${h}"]:\n${lines.map((l) => `  ${l}`).join('\n')}`),
          restartCommand(facts),
        ],
      });
    });
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

export const configPathMissingDir: Check = {
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
    // CRI skips a root that does not exist (HostDirFromRoot: not found) and asks the next one
    const used = all ? null : (d.plans.cri.lookup?.dir ?? null);
    const folder = d.registryHost ? hostDirectoryName(d.registryHost) : '<registry>';
    return [
      finding('config-path-missing-dir', {
        severity: all ? 'error' : 'info',
        detail: `config_path ${quote(cri.configPath)} names ${missing.map(quote).join(', ')}, which ${missing.length === 1 ? 'does' : 'do'} not exist${all ? ': CRI finds no hosts folder and uses the upstream' : ': CRI skips it and asks the other roots'}.${used ? ` It reads ${used}.` : existing ? ` The registry folder is under ${existing.root}.` : ''}`,
        evidence: ev,
        fix: used
          ? [`nothing to change for ${d.registryHost}: CRI reads ${used}`]
          : existing
            ? configPathFix(facts, d, existing.root)
            : [`mkdir -p ${(all ? missing[0] : roots.find((r) => !missing.includes(r))) ?? missing[0]}/${folder} and write hosts.toml there`],
      }),
    ];
  },
};

export const configPathMismatch: Check = {
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

export const configPathListTransfer: Check = {
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
        fix: [
          setInTable(d, facts.configFile, ['plugins', 'io.containerd.cri.v1.images', 'registry'], criRegistryTable(2, 3), [`config_path = ${quote(root)}`]),
          `or keep the list and pull locally: ${setInTable(d, facts.configFile, ['plugins', 'io.containerd.cri.v1.images'], images, ['use_local_image_pull = true'])}`,
          restartCommand(facts),
        ],
      }),
    ];
  },
};

export const transferConfigPathUnused: Check = {
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
