/**
 * `mirror-doctor fleet collect [files…]`: the reports of the fleet manifest's pods (through
 * `kubectl logs`), or report files / saved logs given on the command line, as one table of node ×
 * root cause grouped by identical findings, the odd nodes first. Exit 0 when every node is ok, 1
 * when a node has problems or no report, 2 when nothing could be collected.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { nodeInputsFromStream } from '../fleet/collect-extract.js';
import { groupFleet } from '../fleet/collect-group.js';
import type { NodeInput } from '../fleet/collect-extract.js';
import { nodeInputsFromPods, parsePodList } from '../fleet/collect-pods.js';
import { renderFleetJson, renderFleetText } from '../fleet/collect-render.js';
import { getPodsJson, KubectlError, podLogs, type KubectlOptions } from '../probe/kubectl.js';
import { DEFAULT_NAMESPACE, DEFAULT_SELECTOR, isDns1123Label } from '../fleet/kubernetes.js';
import { fileErrorReason, UsageError } from '../errors.js';
import { BoundedReadError, readFileBounded, readStreamBounded } from '../probe/bounded-read.js';


export interface FleetCollectOptions {
  json?: boolean;
  namespace?: string;
  selector?: string;
  context?: string;
  kubectl?: string;
  timeout?: string;
}

export interface FleetCollectIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readStdin: () => Promise<string>;
  color: boolean;
}

const defaultIo = (): FleetCollectIo => ({
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
  // an endless standard input stops at MAX_FILE (exit 2), it does not grow the process
  readStdin: () => readStreamBounded(process.stdin, 'standard input', MAX_FILE),
  color: !!process.stdout.isTTY && !process.env.NO_COLOR,
});

const READABLE = /\.(json|log|txt)$/i;
/** The most read of one input (a file, a device, a pipe or standard input): reports and pod logs are far smaller. */
const MAX_FILE = 64 * 1024 * 1024;
const TOO_LARGE_HINT = "pass the reports (check --json output) or the pods' logs";

function readText(file: string): string {
  try {
    const st = statSync(file);
    if (st.isFile() && st.size > MAX_FILE) throw new UsageError(`${file} is ${Math.round(st.size / 1048576)} MiB; a report or pod log is far smaller`, TOO_LARGE_HINT);
    // a device or a pipe has no size to check first: read by chunks, up to MAX_FILE
    return readFileBounded(file, MAX_FILE);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if (e instanceof BoundedReadError) throw new UsageError(e.message, e.reason === 'too-large' ? TOO_LARGE_HINT : undefined);
    throw new UsageError(`${file}: cannot read it: ${fileErrorReason(e)}`);
  }
}

/** Standard input, with the same bound and the same errors as a file. */
async function readStdin(io: FleetCollectIo): Promise<string> {
  try {
    return await io.readStdin();
  } catch (e) {
    if (e instanceof BoundedReadError) throw new UsageError(e.message, e.reason === 'too-large' ? TOO_LARGE_HINT : undefined);
    throw new UsageError(`standard input: cannot read it: ${fileErrorReason(e)}`);
  }
}

/** Files and folders (their *.json, *.log, *.txt) and - (standard input), in the order given. */
async function inputsFromFiles(paths: readonly string[], io: FleetCollectIo): Promise<NodeInput[]> {
  const out: NodeInput[] = [];
  let stdinUsed = false;
  for (const p of paths) {
    if (p === '-') {
      if (stdinUsed) throw new UsageError('- (standard input) is given twice');
      stdinUsed = true;
      out.push(...nodeInputsFromStream('stdin', await readStdin(io)));
      continue;
    }
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError(`${p}: cannot read it: ${fileErrorReason(e)}`);
      throw new UsageError(`${p}: no such file or folder`, 'pass report files (mirror-doctor check --json > node.json), saved pod logs, or a folder of them');
    }
    if (st.isDirectory()) {
      let names: string[];
      try {
        names = readdirSync(p);
      } catch (e) {
        throw new UsageError(`${p}: cannot list the folder: ${fileErrorReason(e)}`);
      }
      const files = names.filter((f) => READABLE.test(f)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
      if (files.length === 0) throw new UsageError(`${p}: no *.json, *.log or *.txt files in this folder`);
      for (const f of files) out.push(...nodeInputsFromStream(join(p, f), readText(join(p, f))));
    } else {
      out.push(...nodeInputsFromStream(p, readText(p)));
    }
  }
  return out;
}

function kubectlOptions(o: FleetCollectOptions): KubectlOptions {
  const namespace = o.namespace ?? DEFAULT_NAMESPACE;
  if (!isDns1123Label(namespace)) throw new UsageError(`--namespace ${JSON.stringify(namespace)} is not a valid Kubernetes namespace name`);
  const selector = o.selector ?? DEFAULT_SELECTOR;
  if (selector.trim() === '') throw new UsageError('--selector is empty', `example: --selector ${DEFAULT_SELECTOR}`);
  const seconds = Number(o.timeout ?? '60');
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) throw new UsageError(`--timeout must be a number of seconds from 1 to 3600, not ${JSON.stringify(o.timeout)}`);
  if (o.kubectl !== undefined && o.kubectl.trim() === '') throw new UsageError('--kubectl is empty', 'example: --kubectl /usr/local/bin/kubectl');
  return { kubectl: o.kubectl ?? 'kubectl', namespace, selector, ...(o.context ? { context: o.context } : {}), timeoutMs: seconds * 1000, concurrency: 8 };
}

async function inputsFromCluster(k: KubectlOptions): Promise<NodeInput[]> {
  let pods;
  try {
    pods = parsePodList(await getPodsJson(k));
  } catch (e) {
    if (e instanceof KubectlError && e.notFound) {
      throw new UsageError(`${k.kubectl} was not found`, 'install kubectl (or pass --kubectl PATH), or give the reports as files: kubectl logs POD > node.json; mirror-doctor fleet collect *.json');
    }
    throw new UsageError((e as Error).message, `check access: kubectl --namespace ${k.namespace} get pods --selector ${k.selector}`);
  }
  if (pods.length === 0) {
    throw new UsageError(`no pods match --selector ${k.selector} in namespace ${k.namespace}`, 'start them first: mirror-doctor fleet manifest | kubectl apply -f -');
  }
  const logs = await podLogs(
    k,
    pods.filter((p) => p.started).map((p) => p.name),
  );
  return nodeInputsFromPods(pods, logs);
}

export async function runFleetCollect(files: string[], o: FleetCollectOptions, ioIn: Partial<FleetCollectIo> = {}): Promise<number> {
  const io: FleetCollectIo = { ...defaultIo(), ...ioIn };
  const inputs = files.length > 0 ? await inputsFromFiles(files, io) : await inputsFromCluster(kubectlOptions(o));
  const summary = groupFleet(inputs);
  if (summary.groups.every((g) => g.status === 'no-report')) {
    io.stdout(o.json ? renderFleetJson(summary) : renderFleetText(summary, { color: io.color }));
    io.stderr('mirror-doctor fleet collect: no mirror-doctor report was found in any input\n');
    return 2;
  }
  io.stdout(o.json ? renderFleetJson(summary) : renderFleetText(summary, { color: io.color }));
  return summary.exitCode;
}
