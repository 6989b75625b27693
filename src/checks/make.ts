/**
 * Small helpers shared by the checks: build a Finding from the registry entry, and turn emulation
 * decisions, file positions and trace attempts into Evidence.
 */
import type { Decision, SourcePosition } from '../containerd/decision.js';
import { lookupEntry, type NodeSnapshot } from '../containerd/node-snapshot.js';
import type { TraceAttempt } from '../trace/schema.js';
import type { PathRun } from '../trace/run-schema.js';
import type { Facts } from './facts.js';
import type { Evidence, Finding, Severity } from './finding.js';
import { checkInfo } from './registry.js';

export interface FindingInput {
  severity?: Severity;
  /** overrides the registry title (e.g. to name the outcome) */
  title?: string;
  detail: string;
  evidence?: Evidence[];
  fix?: string[];
}

export function finding(id: string, f: FindingInput): Finding {
  const info = checkInfo(id);
  return {
    id,
    severity: f.severity ?? info.severity,
    layer: info.layer,
    title: f.title ?? info.title,
    detail: f.detail,
    evidence: f.evidence ?? [],
    fix: f.fix ?? [],
    docs: info.docs,
  };
}

/** The text of one line of a node file, when the snapshot holds it. */
export function lineText(snapshot: NodeSnapshot, file: string, line: number): string | undefined {
  const e = lookupEntry(snapshot, file);
  if (e.kind !== 'file' || e.content?.kind !== 'text') return undefined;
  return e.content.text.split('\n')[line - 1]?.replace(/\r$/, '');
}

/** Evidence for a file position: the line as written. */
export function fileEvidence(snapshot: NodeSnapshot, at: SourcePosition, note?: string): Evidence {
  const text = lineText(snapshot, at.file, at.line);
  return {
    kind: 'file',
    source: at.file,
    line: at.line,
    column: at.column,
    text: [text?.trim(), note].filter((x) => x !== undefined && x !== '').join('  ← ') || (note ?? ''),
  };
}

/** Evidence for a whole file (no position). */
export function wholeFileEvidence(file: string, text: string): Evidence {
  return { kind: 'file', source: file, text };
}

/** Evidence from a decision: its position (if any), containerd's error and its log line. */
export function decisionEvidence(snapshot: NodeSnapshot, d: Decision): Evidence[] {
  const out: Evidence[] = [];
  if (d.at) out.push(fileEvidence(snapshot, d.at));
  if (d.containerdLog) out.push({ kind: 'log', source: 'containerd (expected log line)', text: d.containerdLog });
  else if (d.containerdError) out.push({ kind: 'log', source: 'containerd (expected error)', text: d.containerdError });
  return out;
}

export function pathLabel(p: PathRun): string {
  return p.path === 'ctr' ? 'ctr (no --hosts-dir)' : p.path === 'ctr-hosts-dir' ? 'ctr --hosts-dir' : 'CRI (as kubelet)';
}

/** Per path, its first traced request to `host` whose outcome passes `test` (the failure a finding cites). */
export function attemptsAt(paths: ReadonlyArray<PathRun | undefined>, host: string, test: (o: TraceAttempt['outcome']) => boolean): Array<{ p: PathRun; a: TraceAttempt }> {
  return paths.flatMap((p) => {
    const a = p?.doc?.attempts.find((x) => x.host === host && test(x.outcome));
    return p && a ? [{ p, a }] : [];
  });
}

/** Evidence for one trace attempt. */
export function attemptEvidence(p: PathRun, a: TraceAttempt): Evidence {
  const what = [a.method, a.url ?? a.path ?? a.host].filter(Boolean).join(' ');
  const result = a.status !== null ? `${a.status} (${a.outcome})` : a.outcome;
  return {
    kind: 'trace',
    source: `${pathLabel(p)} ${p.path === 'cri' ? 'daemon log' : 'output'}`,
    line: a.line,
    text: `${what} → ${result}${a.error ? `: ${a.error}` : ''}`,
  };
}

/**
 * The path's lines hold the resolver's own requests (ctr's output, or a daemon at debug level), so
 * the absence of "loading host directory" or of a request to a mirror means something. A daemon at
 * info level logs only failures: what its lines lack was not necessarily left undone.
 */
export function sawResolver(p: PathRun): boolean {
  const doc = p.doc;
  if (!doc) return false;
  if (p.path === 'cri' && p.daemonLog && !p.daemonLog.debug) return false;
  return doc.attempts.some((a) => a.evidence === 'debug' && a.method !== null) || (p.path !== 'cri' && doc.attempts.some((a) => a.evidence === 'debug'));
}

/** Evidence for what a path's statements rest on (proven, inferred or unknown, and why). */
export function pathEvidence(p: PathRun): Evidence {
  const ev = p.evidence!;
  return { kind: p.path === 'cri' ? 'log' : 'trace', source: `${pathLabel(p)} (${ev.level})`, text: ev.basis.join('; ') };
}

export function commandEvidence(command: string, text: string): Evidence {
  return { kind: 'command', source: command, text };
}

export function apiEvidence(call: string, text: string): Evidence {
  return { kind: 'api', source: call, text };
}

/** `systemctl restart <unit>` or the distribution's equivalent. */
/** k3s or RKE2 when they write config.toml and the certs.d hosts.toml files from registries.yaml at start, else null. */
export function rewritesFromRegistriesYaml(facts: Facts): 'k3s' | 'rke2' | null {
  const dist = facts.distribution;
  return (dist.kind === 'k3s' || dist.kind === 'rke2') && dist.generated ? dist.kind : null;
}

export function restartCommand(facts: Facts): string {
  switch (facts.distribution.kind) {
    case 'k3s':
      return 'systemctl restart k3s   # or k3s-agent on agents';
    case 'rke2':
      return 'systemctl restart rke2-server   # or rke2-agent on agents';
    case 'microk8s':
      return 'snap restart microk8s.daemon-containerd';
    case 'k0s':
      return 'systemctl restart k0sworker   # or k0scontroller';
    case 'talos':
      return 'talosctl -n <node> patch machineconfig --patch @patch.yaml   # the machine.registries change; Talos applies it itself, nothing to restart';
    default: {
      // a daemon whose cgroup names no service (started by hand, by a test harness): no unit restarts it
      const pid = facts.daemon.process?.pid;
      if (pid !== undefined && (!facts.daemon.systemd || facts.daemon.systemd.fromProcess === false)) {
        return `restart containerd the way it was started: pid ${pid} runs under no systemd service (its /proc/${pid}/cgroup names none), so stop it and start it again with the same command line`;
      }
      return `systemctl restart ${facts.daemon.systemd?.unit ?? 'containerd'}`;
    }
  }
}

export function quote(s: string): string {
  return JSON.stringify(s);
}

/** The TOML table that holds CRI registry settings for this containerd and config version. */
export function criRegistryTable(major: number, configVersion: number): string {
  if (major >= 2) return '[plugins."io.containerd.cri.v1.images".registry]';
  return configVersion === 1 ? '[plugins.cri.registry]' : '[plugins."io.containerd.grpc.v1.cri".registry]';
}
