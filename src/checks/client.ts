/**
 * Client layer: which client pulls and what it reads (containerd v2.1.9
 * cmd/ctr/commands/images/pull.go). ctr is how people test a mirror, and it behaves unlike kubelet: no
 * config_path, another namespace, the transfer service.
 */
import { parseCtrReference } from '../containerd/reference.js';
import { parseContainerdVersion } from '../containerd/version.js';
import type { Check } from './types.js';
import { nerdctlIgnoresCriConfig } from './client-nerdctl.js';
import { attemptEvidence, commandEvidence, finding, quote } from './make.js';
import { credentialHosts } from './config-credentials.js';
import type { Derived } from './derived.js';
import { tlsTablesOf } from './legacy-tls.js';
import { registryTables } from './registry-tables.js';

/**
 * ctr's own flags for CRI's registry.configs of `host` (ctr never reads config.toml): TLS settings
 * as --skip-verify/--tlscacert/--tlscert/--tlskey (2.x: only with --local), credentials as --user.
 */
function ctrFlagsFor(d: Derived, host: string): string[] {
  const tables = registryTables(d.configFiles);
  const t = tlsTablesOf(tables).get(host)?.settings;
  const flags: string[] = [];
  if (t?.insecure_skip_verify === true) flags.push('--skip-verify');
  if (typeof t?.ca_file === 'string' && t.ca_file !== '') flags.push(`--tlscacert ${t.ca_file}`);
  if (typeof t?.cert_file === 'string' && t.cert_file !== '') flags.push(`--tlscert ${t.cert_file}`);
  if (typeof t?.key_file === 'string' && t.key_file !== '') flags.push(`--tlskey ${t.key_file}`);
  if (credentialHosts(d.configFiles).some((h) => h.host === host)) flags.push('--user USER:PASSWORD');
  if (flags.length > 0 && d.profile.version.major >= 2 && flags.some((f) => f.startsWith('--skip') || f.startsWith('--tls'))) flags.unshift('--local');
  return flags;
}

const ctrIgnoresConfigPath: Check = {
  id: 'ctr-ignores-config-path',
  run(facts, d) {
    const registry = d.registryHost;
    if (!registry) return [];
    const folders = d.hostDirs.filter((v) => v.dir);
    const legacyMirrors = Object.keys(d.config.cri.mirrors).length > 0;
    // registry.configs of the registry or a host CRI asks for it: ctr uses none of them
    const configsHosts = [...new Set([registry, ...d.plans.cri.endpoints.map((e) => e.host)])].filter((h) => ctrFlagsFor(d, h).length > 0);
    if (folders.length === 0 && d.config.cri.configPath === '' && !legacyMirrors && configsHosts.length === 0) return [];
    // the user pulled with ctr and gave check no --hosts-dir: ctr read no hosts.toml, whatever the files say
    const pulledWithCtr = facts.client === 'ctr' && facts.hostsDirOption === undefined && !facts.hostRoots.some((r) => r.reason === 'hosts-dir-option');
    const evidence = [];
    const ctr = d.trace.ctr;
    const first = ctr?.doc?.attempts.find((a) => a.kind === 'resolve');
    if (ctr && first) evidence.push(attemptEvidence(ctr, first));
    const note = d.plans.ctr.decisions.find((x) => x.code === 'ctr.no-hosts-dir');
    if (note) evidence.push({ kind: 'command' as const, source: `ctr images pull ${d.ctrRef}`, text: note.message });
    // what config.toml holds that ctr does not read
    const unread = [
      ...(d.config.cri.configPath !== '' ? ['config_path'] : []),
      ...(legacyMirrors ? ['registry.mirrors'] : []),
      ...(configsHosts.length > 0 ? [`registry.configs (${configsHosts.join(', ')})`] : []),
    ];
    // --hosts-dir helps only where a folder for the registry exists
    const root = folders.find((v) => v.root === d.hostsDir)?.root ?? folders[0]?.root;
    // as flags they reach the registry itself only: a plain ctr pull asks no mirror
    const flags = configsHosts.includes(registry) ? ctrFlagsFor(d, registry) : [];
    const ctrFix = root !== undefined ? `ctr images pull --hosts-dir ${root} ${d.ctrRef}` : flags.length > 0 ? `ctr images pull ${flags.join(' ')} ${d.ctrRef}   # the settings of registry.configs.${JSON.stringify(registry)}, as ctr's flags` : null;
    const crictl = `crictl pull ${facts.ref.input}   # what kubelet does: CRI reads config.toml`;
    return [
      finding('ctr-ignores-config-path', {
        ...(pulledWithCtr ? { severity: 'error' as const } : {}),
        detail:
          `\`ctr images pull\` without --hosts-dir reads no hosts.toml at all, in any version and mode, and ctr never reads config.toml${unread.length > 0 ? ` (here: ${unread.join(', ')})` : ''}. ` +
          `${pulledWithCtr ? 'You pulled with ctr (--client ctr) and gave no --hosts-dir, so that pull asked the registry itself and no mirror; if you did pass --hosts-dir to ctr, pass the same --hosts-dir to check. ' : ''}A ctr pull that goes to the upstream proves nothing about the mirror${ctr?.doc && !ctr.doc.mirrorUsed ? ` (the traced ctr pull went to ${first?.host ?? 'the upstream'})` : ''}.` +
          (root === undefined && legacyMirrors ? ' No hosts folder exists for it, so --hosts-dir has nothing to read: the mirror is in registry.mirrors, which only CRI reads (legacy-mirrors converts it to a hosts.toml ctr can read).' : ''),
        evidence,
        fix: root !== undefined ? [ctrFix!, crictl] : [crictl, ...(ctrFix ? [ctrFix] : [])],
      }),
    ];
  },
};

function ctrVersion(facts: Parameters<Check['run']>[0]): string | null {
  return facts.versions.ctr.value ?? facts.containerdVersion.value ?? null;
}

const ctrTransferService: Check = {
  id: 'ctr-transfer-service',
  run(facts, d) {
    const raw = ctrVersion(facts);
    const v = raw ? parseContainerdVersion(raw) : null;
    if (!v?.ok || v.version.major < 2) return [];
    const evidence = [commandEvidence('ctr --version', raw!)];
    const note = d.plans.ctrHostsDir.decisions.find((x) => x.code === 'ctr.transfer-hosts-dir');
    if (note) evidence.push(commandEvidence(`ctr images pull --hosts-dir ${d.hostsDir} ${d.ctrRef}`, note.message));
    return [
      finding('ctr-transfer-service', {
        detail:
          `ctr ${v.version.major}.${v.version.minor} pulls through the daemon's transfer service by default: the daemon resolves and fetches, ` +
          `opens --hosts-dir on its own filesystem, uses its own proxy environment, and logs the registry requests in the daemon log (not ctr's output). ` +
          `--skip-verify, --tlscacert, --tlscert and --tlskey are refused without --local.`,
        evidence,
        fix: [`ctr images pull --local --hosts-dir ${d.hostsDir} ${d.ctrRef}   # resolve in ctr itself, requests visible with --debug`],
      }),
    ];
  },
};

const ctrNamespace: Check = {
  id: 'ctr-namespace',
  run(facts, d) {
    if (!facts.daemon.reachable || !d.config.cri.loads) return [];
    return [
      finding('ctr-namespace', {
        detail:
          'ctr uses the containerd namespace `default` unless -n is given; kubelet and crictl use `k8s.io`. An image pulled with plain ctr is invisible to kubelet, which pulls again (through CRI and its config_path).',
        evidence: [commandEvidence('ctr namespaces ls', 'kubelet/CRI namespace: k8s.io; ctr default: default (or $CONTAINERD_NAMESPACE)')],
        fix: [`ctr -n k8s.io images pull --hosts-dir ${d.hostsDir} ${d.ctrRef}`, `ctr -n k8s.io images ls | grep ${quote(d.ref?.repository ?? facts.ref.input)}`],
      }),
    ];
  },
};

const ctrMissing: Check = {
  id: 'ctr-missing',
  run(facts) {
    const c = facts.versions.ctr;
    if (c.value !== null) return [];
    if (!/ENOENT|not found|no such file/i.test(c.unknown.error)) return [];
    return [
      finding('ctr-missing', {
        detail:
          facts.root === '/'
            ? `ctr could not be run (${c.unknown.error}), so no pull is traced (the tracer compares the ctr and CRI paths side by side); the file checks still run.`
            : `ctr could not be run (${c.unknown.error}): the two ctr pulls fail; the CRI pull and the file checks still run.`,
        evidence: [commandEvidence(c.unknown.source, c.unknown.error)],
        fix: ['install the containerd package that ships ctr (ctr comes with containerd), or pass --ctr PATH', 'k3s/RKE2: use `k3s ctr` / `/var/lib/rancher/rke2/bin/ctr`'],
      }),
    ];
  },
};

const ctrReferenceWithoutHost: Check = {
  id: 'ctr-reference-without-host',
  run(facts, d) {
    if (facts.ref.source !== 'argument' || !d.ref) return [];
    const r = parseCtrReference(facts.ref.input);
    const hostLooksWrong = r.ok && !r.ref.hostname.includes('.') && !r.ref.hostname.includes(':') && r.ref.hostname !== 'localhost';
    if (r.ok && !hostLooksWrong) return [];
    const why = r.ok ? `ctr takes ${quote(r.ref.hostname)} as the registry host and looks up ${d.hostsDir}/${r.ref.hostname}` : `ctr fails: ${r.error}`;
    return [
      finding('ctr-reference-without-host', {
        detail: `${quote(facts.ref.input)} is not a full reference for ctr, which does not normalise names the way CRI does (${why}). CRI reads it as ${d.ref.name}.`,
        evidence: [commandEvidence(`ctr images pull ${facts.ref.input}`, r.ok ? `registry host: ${r.ref.hostname}` : `ctr: ${r.error}`)],
        fix: [`ctr images pull --hosts-dir ${d.hostsDir} ${d.ref.name}`],
      }),
    ];
  },
};

export const CLIENT_CHECKS: Check[] = [ctrIgnoresConfigPath, nerdctlIgnoresCriConfig, ctrTransferService, ctrNamespace, ctrMissing, ctrReferenceWithoutHost];
