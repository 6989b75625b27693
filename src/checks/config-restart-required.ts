/**
 * restart-required: containerd reads config.toml only at start, so compare the file with what the
 * daemon runs, from its live CRI config, the file and start times, and the CRI pull's trace. k3s,
 * RKE2 and MicroK8s render config.toml (k3s and RKE2 also the hosts.toml files) from their own
 * files at start: one changed after the daemon started is not applied yet.
 */
import { START_TIME_SLACK_MS } from '../containerd/start-time.js';
import type { Derived } from './derived.js';
import type { Facts } from './facts.js';
import type { Evidence, Finding } from './finding.js';
import type { Check } from './types.js';
import { apiEvidence, fileEvidence, finding, quote, restartCommand, sawResolver } from './make.js';

export const restartRequired: Check = {
  id: 'restart-required',
  run(facts, d) {
    const found = d.config.unreadable || !d.config.found ? [] : configChanged(facts, d);
    return found.length > 0 ? found : renderSourceChanged(facts);
  },
};

/** What the running daemon has against config.toml and its imports. */
function configChanged(facts: Facts, d: Derived): Finding[] {
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
}

/** A registries.yaml or template changed after the daemon started: k3s, RKE2 and MicroK8s read them only at start. */
function renderSourceChanged(facts: Facts): Finding[] {
  const started = facts.daemon.process?.startedAt ?? null;
  if (started === null || !facts.distribution.generated) return [];
  const changed = Object.entries(facts.sourceMtimes ?? {}).filter(([, m]) => m > started + START_TIME_SLACK_MS);
  if (changed.length === 0) return [];
  const dist = facts.distribution;
  const name = dist.kind === 'rke2' ? 'RKE2' : dist.kind === 'microk8s' ? 'MicroK8s' : dist.kind;
  const yaml = changed.some(([p]) => p === dist.registriesYaml?.path);
  const what = (p: string) => (p === dist.registriesYaml?.path ? `${name} reads ${p} only when it starts and writes containerd's registry config (config.toml, the hosts.toml files) from it then` : `${name} renders ${dist.configFile} from ${p} only when it starts`);
  return [
    finding('restart-required', {
      severity: 'warning',
      detail: `${changed.map(([p]) => p).join(' and ')} changed after containerd started. ${changed.map(([p]) => what(p)).join('; ')}: the running daemon${yaml ? ' and the hosts folder do' : ' does'} not have the change yet, and what this report shows of config.toml${yaml ? ' and the hosts folders' : ''} is what is there now.`,
      evidence: changed.map(([p, m]) => ({ kind: 'command', source: `stat ${p}; /proc/${facts.daemon.process!.pid}/stat (start time)`, text: `${p} modified ${new Date(m).toISOString()}, containerd started ${new Date(started).toISOString()}` })),
      fix: [restartCommand(facts)],
    }),
  ];
}
