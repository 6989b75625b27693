/**
 * The pods `fleet manifest` started, as `kubectl get pods -o json` describes them, and what their
 * logs say: one node input per pod — its report, or why it has none (not scheduled, image not
 * pulled, check failed, still running). Pure.
 */
import type { NodeInput } from './collect-extract.js';
import { nodeInputsFromStream } from './collect-extract.js';

export interface PodInfo {
  name: string;
  node: string | null;
  phase: string;
  createdAt: string | null;
  /** a container ran, so there is a log to read */
  started: boolean;
  /** why the pod is not running, in words (unscheduled, waiting, terminated with code), else null */
  state: string | null;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function containerState(status: Obj): { started: boolean; state: string | null } {
  const cs = arr(status.containerStatuses).map(obj);
  let started = false;
  let state: string | null = null;
  for (const c of cs) {
    const st = obj(c.state);
    const last = obj(c.lastState);
    if ('running' in st || 'terminated' in st || 'terminated' in last) started = true;
    const waiting = obj(st.waiting);
    const term = obj(st.terminated);
    if (str(waiting.reason)) state = `container ${str(c.name) ?? ''} waiting: ${str(waiting.reason)}${str(waiting.message) ? ` — ${str(waiting.message)}` : ''}`.replace('container  ', 'container ');
    else if (typeof term.exitCode === 'number' && term.exitCode !== 0) state = `container exited with code ${term.exitCode}${str(term.reason) ? ` (${str(term.reason)})` : ''}`;
  }
  return { started, state };
}

/** Pods from `kubectl get pods -o json` (a List); throws on text that is not such a list. */
export function parsePodList(text: string): PodInfo[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`kubectl get pods did not print JSON: ${(e as Error).message}`);
  }
  const items = obj(doc).items;
  if (!Array.isArray(items)) throw new Error('kubectl get pods -o json printed no "items" list');
  return items.map((raw) => {
    const p = obj(raw);
    const meta = obj(p.metadata);
    const spec = obj(p.spec);
    const status = obj(p.status);
    const phase = str(status.phase) ?? 'Unknown';
    const { started, state } = containerState(status);
    let why = state;
    if (!why && phase === 'Pending') {
      const sched = arr(status.conditions).map(obj).find((c) => c.type === 'PodScheduled' && c.status === 'False');
      why = sched ? `not scheduled: ${str(sched.reason) ?? 'unknown'}${str(sched.message) ? ` — ${str(sched.message)}` : ''}` : 'pod pending';
    }
    if (!why && phase === 'Failed') why = `pod failed${str(status.reason) ? `: ${str(status.reason)}` : ''}${str(status.message) ? ` — ${str(status.message)}` : ''}`;
    return { name: str(meta.name) ?? '?', node: str(spec.nodeName), phase, createdAt: str(meta.creationTimestamp), started, state: why };
  });
}

/**
 * One node input per pod: the reports in its log, or why there are none. `logs` maps a pod name to
 * its log text, or to an Error when `kubectl logs` failed.
 */
export function nodeInputsFromPods(pods: readonly PodInfo[], logs: ReadonlyMap<string, string | Error>): NodeInput[] {
  const out: NodeInput[] = [];
  for (const pod of pods) {
    const source = `pod/${pod.name}`;
    const log = logs.get(pod.name);
    if (typeof log === 'string') {
      const inputs = nodeInputsFromStream(source, log);
      for (const i of inputs) {
        const problem = i.report ? null : [pod.state, pod.phase === 'Running' && !pod.state ? 'check may still be running' : null, i.problem].filter(Boolean).join('; ');
        out.push({ ...i, source, node: pod.node, problem });
      }
      continue;
    }
    const why = pod.state ?? (pod.started ? null : `pod ${pod.phase}, no container started`);
    const logError = log instanceof Error ? `kubectl logs failed: ${log.message.split('\n')[0]}` : null;
    out.push({ source, node: pod.node, report: null, problem: [why, logError].filter(Boolean).join('; ') || 'no log' });
  }
  return out;
}
