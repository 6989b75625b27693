/**
 * What containerd really does when a mirror goes silent, per version and kind of silence, as
 * measured in the lab (scripts/measure-silence; docs/dev/silent-mirrors.md). Pure data and text.
 *
 * Why (the same in 1.6.20, 1.7.24 and 2.1.9): the registry client's default transport
 * (remotes/docker/config/hosts.go in 1.x, core/remotes/docker/registry.go DefaultHTTPTransport in
 * 2.x) has a 30 s dial timeout and a 10 s TLSHandshakeTimeout, but no ResponseHeaderTimeout and no
 * deadline on reading a body; the resolver and the fetcher try the hosts in order and move on only
 * when a request returns an error. Each blob fetch starts again at the first host. Only the CRI
 * plugin's image_pull_progress_timeout (1.7+) ends such a wait, by failing the pull.
 */
const REPO = 'https://github.com/containerd/containerd/blob';
/** The default transport's timeouts, at the measured tags. */
const TRANSPORT: Record<MeasuredVersion, string> = {
  '1.6': `${REPO}/v1.6.20/remotes/docker/config/hosts.go#L132-L144`,
  '1.7': `${REPO}/v1.7.24/remotes/docker/config/hosts.go#L148-L160`,
  '2.1': `${REPO}/v2.1.9/core/remotes/docker/registry.go#L250-L263`,
};

export type SilenceKind = 'connect' | 'tls-handshake' | 'response-header' | 'body';
export const SILENCE_KINDS: readonly SilenceKind[] = ['connect', 'tls-handshake', 'response-header', 'body'];

/** One line per kind, for people (the lab scenarios' `whatHappens`). */
export const SILENCE_TEXT: Record<SilenceKind, string> = {
  connect: 'the connect never completes: after its 30 s dial timeout containerd tries the next host (and again for every blob)',
  'tls-handshake': 'the TLS handshake never completes: after its 10 s TLS handshake timeout containerd tries the next host (and again for every blob)',
  'response-header': 'the request is sent and never answered: containerd has no response timeout and never tries the next host',
  body: 'the body stops mid-way: containerd has no read timeout and never tries the next host',
};

/** What the tracer saw of the silent host, in words. */
export const SILENCE_SEEN: Record<SilenceKind, string> = {
  connect: 'the TCP connect never completed (SYN sent, no answer)',
  'tls-handshake': 'the TCP connection was accepted but the TLS handshake never completed',
  'response-header': 'the connection was accepted and the request sent, but no response came',
  // seen on the socket: data came after the request, then none (ctr's --http-dump prints nothing
  // of a response until its whole body is read, so whether every header came is not known)
  body: 'the mirror began to answer, then stopped sending mid-response',
};

export type MeasuredVersion = '1.6' | '1.7' | '2.1';

export interface SilenceWait {
  version: MeasuredVersion;
  kind: SilenceKind;
  client: 'ctr' | 'cri';
  /** seconds until the next host was first asked; null: never within the cap */
  fallbackS: number | null;
  /** how the pull ended, and when (s) */
  ended: 'pulled' | 'still waiting at the cap';
  endS: number;
}

/** The cap each measured pull had, s. */
export const SILENCE_CAP_S = 150;

/**
 * Measured with the lab (containerd 1.6.20, 1.7.24, 2.1.9; ctr --hosts-dir in local mode, and CRI
 * PullImage at info level), the silent host first and a working mirror second.
 */
export const SILENCE_WAITS: readonly SilenceWait[] = [
  { version: '1.6', kind: 'connect', client: 'cri', fallbackS: 31, ended: 'pulled', endS: 31.4 },
  { version: '1.6', kind: 'connect', client: 'ctr', fallbackS: 30.1, ended: 'pulled', endS: 60.3 },
  { version: '1.7', kind: 'connect', client: 'cri', fallbackS: 31.1, ended: 'pulled', endS: 31.2 },
  { version: '1.7', kind: 'connect', client: 'ctr', fallbackS: 30.2, ended: 'pulled', endS: 60.4 },
  { version: '2.1', kind: 'connect', client: 'cri', fallbackS: 31, ended: 'pulled', endS: 31.1 },
  { version: '2.1', kind: 'connect', client: 'ctr', fallbackS: 30.1, ended: 'pulled', endS: 60.3 },
  { version: '1.6', kind: 'tls-handshake', client: 'cri', fallbackS: 11.5, ended: 'pulled', endS: 11.5 },
  { version: '1.6', kind: 'tls-handshake', client: 'ctr', fallbackS: 10.1, ended: 'pulled', endS: 40.3 },
  { version: '1.7', kind: 'tls-handshake', client: 'cri', fallbackS: 11.2, ended: 'pulled', endS: 11.4 },
  { version: '1.7', kind: 'tls-handshake', client: 'ctr', fallbackS: 10.1, ended: 'pulled', endS: 40.3 },
  { version: '2.1', kind: 'tls-handshake', client: 'cri', fallbackS: 11.2, ended: 'pulled', endS: 11.4 },
  { version: '2.1', kind: 'tls-handshake', client: 'ctr', fallbackS: 10.1, ended: 'pulled', endS: 40.4 },
  { version: '1.6', kind: 'response-header', client: 'cri', fallbackS: null, ended: 'still waiting at the cap', endS: 150 },
  { version: '1.6', kind: 'response-header', client: 'ctr', fallbackS: null, ended: 'still waiting at the cap', endS: 150 },
  { version: '1.7', kind: 'response-header', client: 'cri', fallbackS: null, ended: 'still waiting at the cap', endS: 150.1 },
  { version: '1.7', kind: 'response-header', client: 'ctr', fallbackS: null, ended: 'still waiting at the cap', endS: 150.1 },
  { version: '2.1', kind: 'response-header', client: 'cri', fallbackS: null, ended: 'still waiting at the cap', endS: 150 },
  { version: '2.1', kind: 'response-header', client: 'ctr', fallbackS: null, ended: 'still waiting at the cap', endS: 150 },
  { version: '1.6', kind: 'body', client: 'cri', fallbackS: null, ended: 'still waiting at the cap', endS: 150 },
  { version: '1.6', kind: 'body', client: 'ctr', fallbackS: null, ended: 'still waiting at the cap', endS: 150 },
  { version: '1.7', kind: 'body', client: 'cri', fallbackS: null, ended: 'still waiting at the cap', endS: 150 },
  { version: '1.7', kind: 'body', client: 'ctr', fallbackS: null, ended: 'still waiting at the cap', endS: 150 },
  { version: '2.1', kind: 'body', client: 'cri', fallbackS: null, ended: 'still waiting at the cap', endS: 150 },
  { version: '2.1', kind: 'body', client: 'ctr', fallbackS: null, ended: 'still waiting at the cap', endS: 150 },
];

/** The CRI plugin's `image_pull_progress_timeout`, as measured with scripts/measure-progress-timeout. */
export const PROGRESS_TIMEOUT_SET = '15 s';

interface ProgressTimeoutRun {
  /** seconds until CRI PullImage failed; null: still waiting at capS */
  failedS: number | null;
  /** the daemon's line at info level, with the image name shortened */
  log: string | null;
  capS: number;
}

/**
 * What the CRI plugin's image_pull_progress_timeout does to a pull stalled on a silent mirror (1.6
 * has no such setting). When requests are active and no byte has been read for that long, it logs
 * at error and cancels the pull: PullImage fails, no other host is tried. In 2.x the default pull
 * goes through the transfer service, whose reporter only counts layer downloads, so a stall on the
 * manifest is not cancelled (with use_local_image_pull = true every request counts, as in 1.7).
 */
const PROGRESS_TIMEOUT: Partial<Record<MeasuredVersion, { cancels: string; source: string; runs: Record<'response-header' | 'body', ProgressTimeoutRun> }>> = {
  '1.7': {
    cancels: 'is cancelled and fails after image_pull_progress_timeout without progress',
    source: `${REPO}/v1.7.24/pkg/cri/server/image_pull.go#L628-L681`,
    runs: {
      'response-header': { failedS: 20, log: 'cancel pulling image … because of no progress in 15s', capS: 75 },
      body: { failedS: 30.3, log: 'cancel pulling image … because of no progress in 15s', capS: 75 },
    },
  },
  '2.1': {
    cancels: "is not cancelled either while it fetches the manifest, since in 2.x's default transfer-service pull image_pull_progress_timeout only counts layer downloads (a stalled layer fails the pull)",
    source: `${REPO}/v2.1.9/internal/cri/server/images/image_pull.go#L907-L1024`,
    runs: {
      'response-header': { failedS: null, log: null, capS: 75 },
      body: { failedS: null, log: null, capS: 75 },
    },
  },
};

/** The timeout behind each kind that has one, with its place in the source. */
function timeoutSource(version: MeasuredVersion, kind: SilenceKind): string {
  const what = kind === 'connect' ? 'dial Timeout 30 s' : kind === 'tls-handshake' ? 'TLSHandshakeTimeout 10 s' : 'no ResponseHeaderTimeout, no body deadline';
  return `${what}: ${TRANSPORT[version]}`;
}

/** The measured version a daemon version falls under; null when it is none of them. */
export function measuredVersion(version: string | null | undefined): MeasuredVersion | null {
  const m = /^v?(\d+)\.(\d+)/.exec(version ?? '');
  if (!m) return null;
  const mm = `${m[1]}.${m[2]}`;
  return mm === '1.6' || mm === '1.7' || mm === '2.1' ? mm : null;
}

/**
 * What containerd does next, for the daemon's version and the kind of silence seen: the recorded
 * behaviour, or for an unmeasured version the transport's defaults (the same in every version
 * from 1.5 to 2.1, unless the host sets dial_timeout in 2.0.7+/2.1+). Null kind: not told apart.
 */
export function silenceVerdict(version: string | null | undefined, kind: SilenceKind | null): string {
  if (kind === null) {
    return 'what kind of silence it is (connect, TLS handshake, response) could not be told from here, so how long containerd waits is not stated: it gives up after 30 s on a connect and 10 s on a TLS handshake, and never on a request that was sent (run the trace at debug level, or as root to read the sockets)';
  }
  const v = measuredVersion(version);
  const name = `containerd ${version ?? ''}`.trim();
  const rows = SILENCE_WAITS.filter((r) => r.version === v && r.kind === kind);
  const src = v ? ` (${timeoutSource(v, kind)})` : '';
  if (kind === 'connect' || kind === 'tls-handshake') {
    // ctr's number: the CRI one adds the sampling's and the CRI call's overhead
    const ctr = rows.find((r) => r.client === 'ctr');
    const wait = ctr?.fallbackS ? `~${Math.round(ctr.fallbackS)} s` : kind === 'connect' ? '30 s' : '10 s';
    const whole = ctr ? ` (measured: ctr's whole pull of the lab's small test image took ${Math.round(ctr.endS)} s)` : '';
    return `${name} tries the next host after ${wait}${v ? ' (measured)' : ''}, and waits again for every blob it has to fetch, since each fetch starts at the first host${whole}${src}`;
  }
  const what = kind === 'body' ? 'a mirror that stops sending a body' : 'a mirror that accepted the connection and does not answer';
  const capped = v ? `; measured: still waiting after ${SILENCE_CAP_S} s` : '';
  const cri = v ? PROGRESS_TIMEOUT[v] : null;
  if (!cri) {
    return `${name} never gives up on ${what}: it has no timeout there, so the pull hangs until its caller's own deadline (ctr's Ctrl-C; kubelet sets none on PullImage)${capped}${src}`;
  }
  const run = cri.runs[kind];
  const measured = run.failedS !== null ? `failed after ${Math.round(run.failedS)} s with "${run.log}" in the daemon's log` : `still waiting after ${run.capS} s`;
  return `${name} never gives up on ${what} and never tries the next host: ctr waits until Ctrl-C${capped}; a CRI pull (kubelet's) ${cri.cancels} (5 min by default; measured with it set to ${PROGRESS_TIMEOUT_SET}: ${measured}; ${cri.source})${src}`;
}

/**
 * A response this late is a hung mirror, not a slow one: a pull-through cache that fetches from its
 * own upstream on a miss may take seconds to answer, so a shorter wait proves nothing about it.
 */
export const HUNG_RESPONSE_MS = 20_000;

/** How long the tracer waited before calling this kind of silence: a connect or handshake --stall, a response --response-timeout. */
export function stallWaitMs(kind: SilenceKind | null, o: { stallMs: number; responseStallMs?: number }): number {
  return kind === 'connect' || kind === 'tls-handshake' ? o.stallMs : (o.responseStallMs ?? o.stallMs);
}

/**
 * The silence proves the mirror fails: a connect or TLS handshake that does not complete (containerd
 * gives up on those itself), or a response that did not come within HUNG_RESPONSE_MS.
 */
export function silenceIsProof(kind: SilenceKind | null, waitedMs: number): boolean {
  return kind === 'connect' || kind === 'tls-handshake' || waitedMs >= HUNG_RESPONSE_MS;
}
