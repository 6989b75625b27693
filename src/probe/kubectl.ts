/**
 * `kubectl`, for `fleet collect`: the pods of the fleet manifest and their logs. Argument arrays
 * only (never a shell), a timeout per call, a few calls at a time.
 */
import { execa } from 'execa';

export interface KubectlOptions {
  kubectl: string;
  namespace: string;
  selector: string;
  context?: string;
  timeoutMs: number;
  /** kubectl logs calls at a time */
  concurrency: number;
}

export class KubectlError extends Error {
  constructor(message: string, readonly notFound = false) {
    super(message);
    this.name = 'KubectlError';
  }
}

function base(o: KubectlOptions): string[] {
  return [...(o.context ? ['--context', o.context] : []), '--namespace', o.namespace];
}

async function kubectl(o: KubectlOptions, args: string[]): Promise<string> {
  // output past 64 MiB (the bound of a report file in fleet collect) is that call's error, not kept
  const r = await execa(o.kubectl, [...base(o), ...args], { reject: false, timeout: o.timeoutMs, stdin: 'ignore', maxBuffer: 64 * 1024 * 1024 });
  const code = (r as { code?: string }).code;
  if (code === 'ENOENT') throw new KubectlError(`${o.kubectl}: command not found`, true);
  if (r.timedOut) throw new KubectlError(`kubectl ${args.join(' ')}: no answer in ${Math.round(o.timeoutMs / 1000)} s`);
  if (r.exitCode !== 0) {
    const err = String(r.stderr ?? '').trim().split('\n').pop() || r.shortMessage || `exit code ${r.exitCode}`;
    throw new KubectlError(`kubectl ${args.join(' ')}: ${err}`);
  }
  return String(r.stdout ?? '');
}

/** `kubectl get pods -l SELECTOR -o json` as text. */
export function getPodsJson(o: KubectlOptions): Promise<string> {
  return kubectl(o, ['get', 'pods', '--selector', o.selector, '--output', 'json']);
}

/** Each pod's log (`kubectl logs POD --all-containers`), or the Error of that call. */
export async function podLogs(o: KubectlOptions, pods: readonly string[]): Promise<Map<string, string | Error>> {
  const out = new Map<string, string | Error>();
  let next = 0;
  const worker = async () => {
    while (next < pods.length) {
      const pod = pods[next++]!;
      try {
        out.set(pod, await kubectl(o, ['logs', pod, '--all-containers']));
      } catch (e) {
        if (e instanceof KubectlError && e.notFound) throw e;
        out.set(pod, e as Error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency, pods.length)) }, worker));
  return out;
}
