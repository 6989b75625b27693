/**
 * One ctr pull of a trace: `ctr images pull` with --debug --http-trace --http-dump, parsed as it
 * streams, stopped early once its verdict is decided (unless --full) or when a host stalls.
 */
import { execa } from 'execa';
import { TraceParser } from '../trace/parser.js';
import { redact } from '../report/redact.js';
import { redactTraceDoc } from '../report/redact-trace.js';
import type { PathRun } from '../trace/run-schema.js';
import { earlyStop, markStalled, type EarlyStop } from '../trace/early-stop.js';
import { firstBlobAnswer, isBlobRequest, servedBy } from '../trace/blob-requests.js';
import { runStreamed } from './ctr-runner.js';
import { bodyLineSkipper } from './body-lines.js';
import { ContainerdApi } from './containerd-api.js';
import { GrpcCallError } from './grpc-unary.js';
import { mark } from './timeline.js';
import type { TraceOptions } from './trace-options.js';
import { stallWaitMs, type SilenceKind } from '../containerd/silence-waits.js';
import { ctrSilenceKind, endpointOf, responseBegan, socketStatesTo } from './silence-kind.js';
import { fetchesPastManifest } from '../trace/manifest-fetched.js';

/** Lines after which the verdict may have changed (a cheap filter before asking the parser). */
const STOP_CHECK = /msg="?(resolved|trying next host|do request|fetch)|^ctr: |HTTP\/1\.[01] [1-5]\d\d /;

/**
 * ctr logs its --http-dump through a pipe another goroutine reads, so a request's dumped answer
 * (with the redirect it followed) can come after the line that logged its status: a stop at a
 * blob's answer waits this long for it.
 */
const DUMP_SETTLE_MS = 200;

/** The ctr lines the tracer follows the connection state by (body lines with these messages are read). */
const DO_REQUEST = 'msg="do request"';
const CONNECTED = 'msg="Connection successful"';
const WATCHED_MESSAGES = ['do request', 'Connection successful'];


/**
 * The ctr client's version (`ctr --version`, no daemon needed) and the daemon's (over the API),
 * at the same time. A missing ctr or an unreachable daemon is reported in `error`.
 */
export async function ctrVersions(ctr: string, address: string): Promise<{ client: string | null; server: string | null; error: string | null }> {
  const api = new ContainerdApi(address);
  const [client, server] = await Promise.all([
    execa(ctr, ['--version'], { reject: false, timeout: 10_000, stdin: 'ignore' }).then(
      (r) => (r.exitCode === 0 ? { value: /\s(v?\d[^\s]*)\s*$/.exec(r.stdout.trim())?.[1] ?? null, error: null } : { value: null, error: r.exitCode === undefined ? `${ctr}: ${/ENOENT/.test(r.shortMessage ?? '') ? 'no such file' : (r.shortMessage ?? '').split('\n')[0]}` : (r.stderr || r.stdout).trim() }),
    ),
    api.version().then(
      (v) => ({ value: v.version, error: null }),
      (e: Error) => ({ value: null, error: e instanceof GrpcCallError ? `${e.code}: ${e.details.replace(/\s*Resolution note:.*$/s, '')}` : e.message }),
    ),
  ]).finally(() => api.close());
  return { client: client.value, server: server.value, error: client.error ?? server.error };
}

function ctrArgs(o: TraceOptions, namespace: string, serverVersion: string, withHostsDir: boolean): { args: string[]; mode: 'local' | 'transfer'; reason: string } {
  const args = ['--address', o.address, '--namespace', namespace, '--debug', 'images', 'pull'];
  const mode: 'local' | 'transfer' = 'local';
  let reason: string;
  if (/^v?2\./.test(serverVersion) || /^v?[3-9]\./.test(serverVersion)) {
    args.push('--local');
    reason =
      'containerd 2.x: ctr pulls through the daemon\'s transfer service by default and its client log then shows little; --local resolves in ctr itself so every request is visible (the hosts.toml rules are the same)';
  } else if (/^v?1\.7\./.test(serverVersion)) {
    reason = 'containerd 1.7: ctr pulls locally by default (never --local=false: that path ignores --hosts-dir)';
  } else {
    reason = `containerd ${serverVersion}: ctr pulls locally`;
  }
  if (withHostsDir) args.push('--hosts-dir', o.hostsDir);
  args.push('--http-trace', '--http-dump', o.ref);
  return { args, mode, reason };
}

/** Called as a ctr pull goes: once it has exited, and once its manifest was fetched in full. */
export interface CtrHooks {
  onExit?: () => void;
  onManifest?: () => void;
}

/** One ctr pull, parsed as it streams; stops early once decided unless `full`. */
export async function traceCtr(
  o: TraceOptions,
  path: 'ctr' | 'ctr-hosts-dir',
  namespace: string,
  server: string,
  silentHosts: Map<string, SilenceKind | null>,
  hooks: CtrHooks = {},
): Promise<PathRun> {
  const { args, mode, reason } = ctrArgs(o, namespace, server, path === 'ctr-hosts-dir');
  o.onProgress?.({ kind: 'path-start', path, command: redact(['ctr', ...args].join(' ')) });
  const parser = new TraceParser({ ref: o.ref });
  let lastHost: string | null = null;
  let stopReason: EarlyStop = null;
  let stallKind: SilenceKind | null = null;
  // --http-trace logs "Connection successful" once TCP (and TLS) is up: a request without it is
  // still connecting, which a blackholed host never finishes
  let connected = true;
  // the manifest was fetched in full (not only resolved): from here blobs stream
  let manifestFetched = false;
  // with --hosts-dir the pull is followed to the first blob's answer, for at most stallMs after the
  // manifest (then: manifest-served); without it, to the tag's host
  const stopAt = path === 'ctr' ? 'tag' : 'blob';
  let manifestAt = 0;
  // when a blob's answer was first seen (0: not yet)
  let blobSeenAt = 0;
  /** the stop due now while waiting on the first blob: its answer, once settled, or none within stallMs */
  const blobStop = (): EarlyStop => {
    if (stopAt !== 'blob' || !manifestFetched) return null;
    if (blobSeenAt > 0 && Date.now() - blobSeenAt >= DUMP_SETTLE_MS && earlyStop(parser.snapshot().at(-1), true, 'blob') === 'blob-answered') return 'blob-answered';
    return Date.now() - manifestAt >= o.stallMs ? 'manifest-served' : null;
  };
  let lastLineAt = Date.now();
  const run = await runStreamed(o.ctr, {
    args,
    timeoutMs: o.timeoutMs,
    stallMs: o.stallMs,
    ...(o.signal ? { signal: o.signal } : {}),
    // a whole pull (--full) streams the blobs: their dumped bodies are hundreds of MB of lines
    // the parser skips unread, so they are recognised on their bytes and never decoded (nor sent
    // as progress lines); and following them at a lower priority leaves the CPU to ctr. (Without
    // --full the pull stops at the verdict, before any blob.)
    ...(o.full
      ? {
          niceWhileRunning: 10,
          rawLine: bodyLineSkipper(parser, WATCHED_MESSAGES, (readAt) => {
            lastLineAt = readAt;
          }),
        }
      : {}),
    onLine: (line) => {
      parser.feed(line);
      lastLineAt = Date.now();
      if (line.includes(DO_REQUEST)) connected = false;
      // --http-dump's DumpRequestOut connects to a fake conn first and logs remote_addr="<nil>"
      else if (line.includes(CONNECTED) && !line.includes('remote_addr="<nil>"')) connected = true;
      if (!manifestFetched && fetchesPastManifest(line)) {
        manifestFetched = true;
        manifestAt = Date.now();
        hooks.onManifest?.();
      }
      o.onProgress?.({ kind: 'line', path, line });
      if (o.full) return undefined;
      const why = STOP_CHECK.test(line) ? earlyStop(parser.snapshot().at(-1), manifestFetched, stopAt) : null;
      if (why === 'blob-answered') blobSeenAt ||= Date.now();
      const stop = why === 'blob-answered' ? blobStop() : (why ?? blobStop());
      if (stop) {
        stopReason = stop;
        return 'stop';
      }
      return undefined;
    },
    onTick: () => {
      const stop = o.full || stopReason ? null : blobStop();
      if (stop) stopReason = stop;
      return stop !== null;
    },
    onStall: () => {
      const d = parser.snapshot().at(-1);
      // a pull that is streaming blobs may be silent for long: only a pull still resolving or
      // fetching its manifest (a small body) stalls (the wait for the first blob is onTick's)
      if (manifestFetched) return false;
      const attempt = d?.attempts.at(-1);
      const host = attempt?.host ?? null;
      // connected and waiting for an answer: --response-timeout (default --stall) for a slow pull-through cache
      if (connected && Date.now() - lastLineAt < (o.responseStallMs ?? o.stallMs)) return false;
      // which kind of silence: from the http-trace and, for https, the TCP state of the sockets to it
      const ep = attempt ? endpointOf(attempt.url, attempt.host) : null;
      // --http-dump prints a response only once its whole body was read: a connected request with
      // no response is told apart (no answer, or a body that stopped) by its socket's TCP counters
      stallKind = ep ? ctrSilenceKind(ep.scheme, connected, connected || ep.scheme === 'http' ? [] : socketStatesTo(ep.endpoint), connected ? responseBegan(ep.endpoint) : null) : null;
      if (host) silentHosts.set(host, stallKind);
      lastHost = host;
      return true;
    },
  });
  hooks.onExit?.();
  // the edge: what leaves the tracer is redacted
  const last = parser.end().at(-1);
  let doc = last ? redactTraceDoc(last) : null;
  mark(`${path}: parsed`);
  if (run.stoppedBy === 'stall' && doc) {
    const m = markStalled(doc, stallWaitMs(stallKind, o), { kind: stallKind, version: server });
    doc = m.doc;
    lastHost = m.host ?? lastHost;
  }
  const raw = run.lines.map((l) => l.text).join('\n');
  const log = redact(raw);
  mark(`${path}: redacted`);
  const blob = stopReason === 'blob-answered' && doc ? firstBlobAnswer(doc) : undefined;
  // a blob that failed at its first host: containerd asks the next one, which the stop did not follow
  const blobFailed = !!blob && servedBy(blob) === null;
  // stopped as it ended on its own (ctr printing its last lines): its result; stopped at a verdict: served so far
  const pulled =
    run.stoppedBy === null ? run.exitCode === 0
    : run.stoppedBy !== 'verdict' ? null
    : stopReason === 'pull-ended' ? doc?.result === 'success'
    : doc?.resolved.host && stopReason !== 'tag-resolved' && !blobFailed ? true : null;
  let blobNote: string | null = null;
  if (stopReason === 'tag-resolved') {
    blobNote = 'stopped once the tag resolved: without --hosts-dir ctr asks no mirror, and which host it asks is all it shows (use --full to follow the whole pull)';
  } else if (stopReason === 'mirrors-failed') {
    blobNote = 'stopped once every mirror had failed and containerd moved on to the upstream (use --full to see how the upstream answers)';
  } else if (stopReason === 'blob-answered' && blob) {
    blobNote = `stopped once the first blob was answered (${blob.redirect?.finalHost ?? blob.host}: ${blob.redirect?.finalStatus ?? blob.status ?? blob.error ?? blob.outcome}${blob.digest ? ` for ${blob.digest}` : ''}); the other blobs were not followed (use --full to follow the whole pull)`;
  } else if (stopReason === 'manifest-served') {
    const secs = `${(o.stallMs / 1000).toFixed(0)} s`;
    blobNote = doc?.attempts.some(isBlobRequest)
      ? `stopped once the manifest was fetched; no blob was answered within ${secs} of it (use --full to follow the whole pull)`
      : `stopped once the manifest was fetched; no blob was requested within ${secs} of it: containerd shares content across namespaces, so blobs already on this node are not fetched again (use --full to follow the whole pull)`;
  } else if (doc && doc.resolved.host && doc.blobHosts.length === 0 && run.stoppedBy !== 'stall') {
    blobNote =
      run.stoppedBy === 'verdict'
        ? 'stopped once the manifest was served; blobs were not fetched (use --full to follow the whole pull)'
        : 'no blob requests: containerd shares blobs across namespaces, so blobs already on this node are not fetched again — this says nothing about which host would serve them';
  }
  const error = run.spawnError ?? (doc?.error ? redact(doc.error) : run.exitCode && !run.stoppedBy ? redact(run.lines.filter((l) => l.text.startsWith('ctr: ')).at(-1)?.text ?? `ctr exited with ${run.exitCode}`) : null);
  return {
    path,
    command: ['ctr', ...args],
    mode,
    modeReason: reason,
    exitCode: run.exitCode,
    stoppedBy: run.stoppedBy,
    stopReason: run.stoppedBy === 'verdict' ? stopReason : null,
    stalledOn: run.stoppedBy === 'stall' ? lastHost : null,
    ...(run.stoppedBy === 'stall' ? { stallKind, stallWaitMs: stallWaitMs(stallKind, o) } : {}),
    durationMs: run.durationMs,
    doc,
    pulled,
    error,
    blobNote,
    log,
  };
}
