/**
 * restart-required: containerd reads config.toml only at start, so compare the file with what the
 * daemon runs, from its live CRI config, the file and start times, and the CRI pull's trace.
 */
import { START_TIME_SLACK_MS } from '../containerd/start-time.js';
import type { Evidence } from './finding.js';
import type { Check } from './types.js';
import { apiEvidence, fileEvidence, finding, quote, restartCommand, sawResolver } from './make.js';

export const restartRequired: Check = {
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
