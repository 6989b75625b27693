/**
 * The result of `trace` (schema mirror-doctor.trace-run/v1): the three pull paths, each with its
 * parsed trace, and what their difference proves; plus the progress events the tracer reports while
 * it runs. Plain data, shared by the tracer (probe) and everything that reads a run (checks,
 * reports, the TUI), so none of them needs the effectful tracer for its types.
 */
import type { SilenceKind } from '../containerd/silence-waits.js';
import type { TraceDoc } from './schema.js';
import type { Comparison, LiveRegistry, PathName } from './compare-paths.js';
import type { EarlyStop } from './early-stop.js';
import type { EndpointSeen, PathEvidence } from './path-evidence.js';

export const TRACE_RUN_SCHEMA = 'mirror-doctor.trace-run/v1';

export type TraceProgress =
  | { kind: 'path-start'; path: PathName; command: string }
  | { kind: 'line'; path: PathName; line: string }
  | { kind: 'path-end'; path: PathName; run: PathRun }
  | { kind: 'cleanup'; what: string };

export interface PathRun {
  path: PathName;
  /** what ran: the ctr argument array, or the CRI call */
  command: string[];
  mode: 'local' | 'transfer' | 'cri';
  modeReason: string;
  exitCode: number | null;
  stoppedBy: 'verdict' | 'stall' | 'timeout' | 'abort' | null;
  /** with stoppedBy 'verdict': what decided it */
  stopReason?: EarlyStop;
  /** for a stall: the host the pull was waiting for */
  stalledOn: string | null;
  /** for a stall: what kind of silence was observed (null: it could not be told) */
  stallKind?: SilenceKind | null;
  /** for a stall: how long the tracer waited for that host before stopping (ms) */
  stallWaitMs?: number;
  durationMs: number;
  doc: TraceDoc | null;
  pulled: boolean | null;
  error: string | null;
  code?: string | null;
  /** why blob requests may be missing from the trace */
  blobNote: string | null;
  /** the raw output (ctr) or daemon log slice (CRI), redacted */
  log: string;
  /** what this path's statements rest on: proven, inferred or unknown, and why */
  evidence?: PathEvidence;
  /** CRI: where the daemon's log lines came from (or why there are none), and whether they are debug lines */
  daemonLog?: { source: string; problem: string | null; debug: boolean };
  /** CRI: the daemon's TCP connections during the pull, or why they could not be read */
  sockets?: { endpoints: EndpointSeen[] } | { unreadable: string };
  /** CRI: ImageStatus found the image in k8s.io before the pull (null: not asked) */
  imagePresent?: boolean | null;
}

/**
 * Something an earlier run left because it was killed or crashed (its owner process is gone),
 * found by this run: a throw-away namespace (with its images, leases and content), a lease or an
 * image in k8s.io, or a ctr process still running.
 */
export interface EarlierRunItem {
  /** e.g. `namespace mirror-doctor-1a2b3c4d`, `image docker.io/library/nginx:1.27 in k8s.io`, `process 4242 (ctr)` */
  what: string;
  /** the pid of the run that left it, when known */
  owner: number | null;
  /** why that run is taken for gone, or why it cannot be told */
  why: string;
  removed: boolean;
  /** when not removed: what stopped it */
  note: string | null;
}

export interface TraceRun {
  schema: typeof TRACE_RUN_SCHEMA;
  ref: string;
  containerd: { client: string | null; server: string | null };
  address: string;
  namespace: string;
  hostsDir: string;
  live: LiveRegistry | null;
  paths: PathRun[];
  comparison: Comparison;
  /** anything cleanup could not remove, or left on purpose because it could not be sure (should be empty) */
  leftovers: string[];
  /** what earlier runs that are gone (killed, crashed) had left, and what this run removed of it */
  earlierRuns: EarlierRunItem[];
}
