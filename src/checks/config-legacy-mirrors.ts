/**
 * The deprecated CRI `registry.mirrors` (containerd v2.1.9 internal/cri/config/config.go): the
 * hosts.toml files equivalent to it, and the CRI plugin that does not load when it is set next to
 * config_path.
 */
import { hasV2Segment, trimSlashes } from '../containerd/api-path.js';
import type { Decision } from '../containerd/decision.js';
import { convertLegacyMirrors } from '../containerd/legacy-mirrors-hosts.js';
import { legacyTlsLines, reachedOnlyOverHttp, withLegacyTls } from './legacy-tls.js';
import { registryTables } from './registry-tables.js';
import { isTable } from '../containerd/go-value.js';
import { lookupEntry } from '../containerd/node-snapshot.js';
import { goPathClean } from '../containerd/go-url.js';
import { hostDirectoryName } from '../containerd/host-dirs.js';
import type { Facts } from './facts.js';
import { criPluginErrors } from './config-cri-plugin.js';
import { keyHasScheme } from './configs-key-not-a-host.js';
import { misnamedFolders } from './misnamed-folders.js';
import { configPosition, decisions, registryPath } from './config-locate.js';
import { configPathFix, suggestedRoot } from './config-path.js';
import type { Evidence } from './finding.js';
import type { Check } from './types.js';
import { apiEvidence, criRegistryTable, decisionEvidence, fileEvidence, finding, quote, restartCommand } from './make.js';
import type { Derived } from './derived.js';
import { splitConfigPath } from '../containerd/host-dirs.js';

export const mirrorsWithConfigPath: Check = {
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
        fix: [...generatedConfigNote(facts), `delete the registry.mirrors tables from ${m?.file ?? facts.configFile} (see legacy-mirrors for the equivalent hosts.toml files), keep config_path`, ...oneRootOnceTransfer(d), restartCommand(facts)],
      }),
    ];
  },
};

export const legacyMirrors: Check = {
  id: 'legacy-mirrors',
  run(facts, d) {
    const mirrors = d.config.cri.mirrors;
    const hosts = Object.keys(mirrors);
    if (hosts.length === 0) return [];
    const root = suggestedRoot(d);
    // a table keyed by a name CRI never looks up (mirrors-key-misnamed) moves to the folder it was meant for
    const registry = d.registryHost;
    const misnamed = registry && d.plans.cri.legacyMirrorsKey === null ? (misnamedFolders(registry, hosts, 'key')[0]?.name ?? null) : null;
    const conversion = convertLegacyMirrors(misnamed ? Object.fromEntries(Object.entries(mirrors).map(([k, v]) => [k === misnamed ? registry! : k, v])) : mirrors, d.profile);
    // the hosts' TLS settings in registry.configs move with them
    const tls = legacyTlsLines(d.configFiles);
    // a hosts.toml the node already has (Spegel's, say) is never overwritten: the converted one goes beside it, to merge
    const files = conversion.files.flatMap((f) => {
      const target = `${root}/${f.folder}/hosts.toml`;
      const exists = lookupEntry(facts.snapshot, target).kind === 'file';
      const out = exists ? `${target}.from-registry-mirrors` : target;
      const write = `mkdir -p ${root}/${f.folder} && cat > ${out} <<'EOF'\n${withLegacyTls(f.text, tls)}EOF`;
      return exists ? [write, `${target} exists: merge the [host."…"] tables of ${out} into it, in the order to try, then delete ${out}`] : [write];
    });
    // a tls table is carried when a converted file names its host (an http:// host needs none)
    const names = (h: string) => conversion.files.some((f) => ['https', 'http'].some((sc) => f.text.includes(`"${sc}://${h}"`) || f.text.includes(`"${sc}://${h}/`)));
    const plainOnly = [...tls.keys()].filter((h) => reachedOnlyOverHttp(d, h));
    const carried = [...tls.keys()].filter((h) => names(h) && !plainOnly.includes(h));
    const notCarried = [...tls.keys()].filter((h) => !names(h) && !plainOnly.includes(h) && !keyHasScheme(h));
    // a registry with no mirrors entry of its own is pulled directly, and CRI 1.x applies the table to it:
    // after the move its own folder carries the settings (kubekey#1268)
    const direct = notCarried.filter((h) => !(h in d.config.cri.mirrors));
    const uncarried = notCarried.filter((h) => !direct.includes(h));
    // keyed with a scheme, a table applied to no host at all (configs-key-not-a-host)
    const schemeKeyed = [...tls.keys()].filter((h) => !plainOnly.includes(h) && keyHasScheme(h));
    const at = configPosition(d, [...registryPath(d), 'mirrors']) ?? configPosition(d, ['plugins', 'io.containerd.grpc.v1.cri', 'registry', 'mirrors']);
    const conflict = decisions(d, 'config.mirrors-with-config-path').length > 0;
    // every file that writes registry.mirrors, also those an import's table hides now (1.x replaces whole plugin tables): left there, they come back beside config_path
    const mirrorFiles = d.configFiles.filter((f) => registryTables([f]).some((t) => isTable(t.table.mirrors))).map((f) => f.path);
    const setIn = at?.file ?? facts.configFile;
    const limits = conversion.limits.map((l, i) => ` (${i + 1}) ${l.message}.`).join('');
    // before 1.5 CRI has no config_path: registry.mirrors is the only way, and nothing to move away from yet
    const noConfigPath = !d.profile.criConfigPath;
    return [
      finding('legacy-mirrors', {
        ...(noConfigPath ? { severity: 'info' as const, title: `registry.mirrors: the only mirror setting of ${d.profile.label}` } : {}),
        detail: noConfigPath
          ? `config.toml sets registry.mirrors for ${hosts.join(', ')}, the only way ${d.profile.label} configures mirrors: CRI reads hosts.toml (config_path) from containerd 1.5. After an upgrade, the hosts.toml files below replace them.`
          :
          `${setIn === facts.configFile ? 'config.toml' : setIn} sets the deprecated registry.mirrors for ${hosts.join(', ')}. ${conflict ? 'Next to config_path it stops the CRI plugin from loading.' : 'They only work while config_path is empty, ctr never reads them, and they force local pulls on 2.1+.'} ` +
          `The hosts.toml files below make ${d.profile.label} ask the same hosts in the same order with the same URLs (schemes as CRI derives them, paths as written, pull and resolve only).` +
          (limits ? ` Where they cannot match the old config on ${d.profile.label}:${limits}` : ''),
        evidence: at ? [fileEvidence(facts.snapshot, at)] : [],
        fix: [
          ...(noConfigPath ? ['after upgrading containerd to 1.5 or later (until then, keep registry.mirrors):'] : []),
          ...generatedConfigNote(facts),
          ...(misnamed ? [`registry.mirrors.${quote(misnamed)} goes to the folder of ${registry}, the registry it was meant for (CRI never looked it up: see mirrors-key-misnamed)`] : []),
          ...files,
          ...direct.map((h) => {
            const dir = `${root}/${hostDirectoryName(h)}`;
            const body = `server = "https://${h}"\n${(tls.get(h) ?? []).join('\n')}\n`;
            return lookupEntry(facts.snapshot, `${dir}/hosts.toml`).kind === 'file'
              ? `${dir}/hosts.toml exists: add registry.configs.${quote(h)}.tls to it as top-level settings (they apply to its server, ${h}):\n${body}`
              : `# ${h} is pulled directly, with registry.configs.${quote(h)}.tls: its own hosts.toml (top-level settings apply to the server)\nmkdir -p ${dir} && cat > ${dir}/hosts.toml <<'EOF'\n${body}EOF`;
          }),
          // beside config_path already set (mirrors-with-config-path), it stays as it is
          ...(d.config.cri.configPath === '' ? configPathFix(facts, d, root).slice(0, 1) : oneRootOnceTransfer(d)),
          `delete the registry.mirrors tables from ${(mirrorFiles.length > 0 ? mirrorFiles : [setIn]).join(' and ')}`,
          // next to config_path 1.x refuses them (the CRI plugin does not load); their settings are in the files above
          ...(carried.length + direct.length > 0 ? [`delete the registry.configs.*.tls tables (${[...carried, ...direct].map(quote).join(', ')}) from ${at?.file ?? facts.configFile}: the files above carry their settings`] : []),
          ...(plainOnly.length > 0 ? [`delete the registry.configs.*.tls tables (${plainOnly.map(quote).join(', ')}) from ${at?.file ?? facts.configFile}: they change nothing, as ${plainOnly.length === 1 ? 'that host is' : 'those hosts are'} asked over plain HTTP only`] : []),
          ...schemeKeyed.map((h) => `registry.configs.${quote(h)}.tls applied to no host (keyed with a scheme, see configs-key-not-a-host): if it is meant for ${h}, put its settings with that host in the files above (under its [host."…"], or at the top of the file whose server it is), then delete it`),
          ...(uncarried.length > 0 ? [`registry.configs.*.tls for ${uncarried.map(quote).join(', ')} reaches no host the files above name (CRI used each table only for the host it is keyed by): put its settings under the [host."…"] of the mirror it was meant for (see configs-tls-not-for-mirror), then delete it`] : []),
          restartCommand(facts),
        ],
      }),
    ];
  },
};

/**
 * registry.mirrors alone keeps CRI on local pulls (2.1+); without them it pulls through the transfer
 * service, which reads a colon-separated config_path as one path (config-path-list-transfer): the
 * fix that deletes them sets config_path to one folder (kind's 2.2.0 default list), in the table the
 * file's version names (a version 2 file: the one its registry.mirrors are in).
 */
function oneRootOnceTransfer(d: Derived): string[] {
  const cri = d.config.cri;
  if (d.profile.criDefaultPullMode !== 'transfer' || cri.pullModeReason !== 'forced local by registry.mirrors' || !cri.configPath.includes(':')) return [];
  const root = splitConfigPath(cri.configPath)[0] ?? '/etc/containerd/certs.d';
  return [`set config_path = ${quote(root)} (one folder) under ${d.config.versionWritten === 2 ? criRegistryTable(1, 2) : criRegistryTable(d.profile.version.major, 3)}: without registry.mirrors CRI pulls through the transfer service, which reads ${quote(cri.configPath)} as one path (see config-path-list-transfer)`];
}

/** For a config.toml a distribution writes when it starts (k3s, RKE2 with a template): where the change goes instead (spegel#212). */
function generatedConfigNote(facts: Facts): string[] {
  const dist = facts.distribution;
  if (!dist.generated || !dist.configFile || goPathClean(dist.configFile) !== goPathClean(facts.configFile)) return [];
  return [`${dist.kind} writes ${facts.configFile} when it starts, so an edit there is undone by its next restart: make the changes below in ${dist.editInstead ?? 'its own configuration'}`];
}

/** A legacy endpoint whose path CRI uses as written and that holds no /v2: its requests miss the registry API. */
export const legacyMirrorPathWithoutV2: Check = {
  id: 'legacy-mirror-path-without-v2',
  run(facts, d) {
    const plan = d.plans.cri;
    const key = plan.legacyMirrorsKey;
    if (key === undefined || key === null) return [];
    const written = d.config.cri.mirrors[key] ?? [];
    const eps = plan.endpoints.filter((e) => e.kind === 'legacy-mirror');
    const at =
      configPosition(d, [...registryPath(d), 'mirrors', key, 'endpoint']) ?? configPosition(d, ['plugins', 'io.containerd.grpc.v1.cri', 'registry', 'mirrors', key, 'endpoint']);
    const out = [];
    for (const [i, ep] of eps.entries()) {
      if (hasV2Segment(ep.path)) continue;
      const url = (plan.resolve?.attempts.find((a) => a.endpoint === ep.index) ?? plan.fetch?.attempts.find((a) => a.endpoint === ep.index))?.url;
      const base = `${ep.scheme}://${ep.host}`;
      const prefix = trimSlashes(ep.path);
      const line = (to: string) => `endpoint = [${written.map((w, j) => quote(j === i ? to : w)).join(', ')}]`;
      const via = (to: string) => {
        const next = url?.replace(`${ep.host}${ep.path}${ep.path.endsWith('/') ? '' : '/'}`, `${ep.host}${to}/`);
        return url && next !== url ? `\nrequests then go to ${next}` : '';
      };
      const where = `in ${at?.file ?? facts.configFile}${at ? ` line ${at.line}` : ''}, registry.mirrors.${quote(key)}`;
      const fix =
        prefix === ''
          ? [`${where}: drop the trailing slash (CRI adds /v2 only to an endpoint without a path):\n${line(base)}${via('/v2')}`]
          : [
              `${where}, a registry served under /${prefix} (Nexus, Artifactory): end the path with /v2:\n${line(`${base}/${prefix}/v2`)}${via(`/${prefix}/v2`)}`,
              // a Harbor project is one path segment
              ...(prefix.includes('/') ? [] : [`${where}, a Harbor proxy-cache project ${prefix}: put /v2 first:\n${line(`${base}/v2/${prefix}`)}${via(`/v2/${prefix}`)}`]),
            ];
      out.push(
        finding('legacy-mirror-path-without-v2', {
          detail: `config_path is empty, so CRI uses registry.mirrors.${quote(key)} endpoint ${quote(written[i] ?? ep.written)} with its path ${ep.path} as written (it adds /v2 only to an endpoint without a path)${url ? `: it requests ${url}` : ''}, which is not a registry API URL (the API is under /v2/). Each request fails there and CRI falls back to the next host.`,
          evidence: at ? [fileEvidence(facts.snapshot, at)] : [],
          fix: [...fix, 'or move to hosts.toml (see legacy-mirrors), where containerd appends /v2 to a path itself'],
        }),
      );
    }
    return out;
  },
};
