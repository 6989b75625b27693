import { join } from 'node:path';
import { tmpdir } from 'node:os';

/** The three containerd generations the lab runs, and where Debian ships them. */
export const LAB_VERSIONS = ['1.6', '1.7', '2.1'] as const;
export type LabVersion = (typeof LAB_VERSIONS)[number];

/**
 * The daemons' log level. `info` is containerd's default and what nodes run: no `[debug]` table and
 * no `--log-level` flag. `debug` is what the lab has always run (its traces read the debug lines).
 */
export const LAB_LOG_LEVELS = ['debug', 'info'] as const;
export type LabLogLevel = (typeof LAB_LOG_LEVELS)[number];
export const DEFAULT_LAB_LOG_LEVEL: LabLogLevel = 'info';

/** The log level from its name, or a clear error naming where the bad value came from. */
export function parseLabLogLevel(value: string, source: string): LabLogLevel {
  const v = value.trim().toLowerCase();
  if ((LAB_LOG_LEVELS as readonly string[]).includes(v)) return v as LabLogLevel;
  throw new Error(`${source} must be ${LAB_LOG_LEVELS.join(' or ')}, not ${JSON.stringify(value)}`);
}

export interface LabOptions {
  /** Folder holding everything the lab creates (daemons' root/state, sockets, logs, registries). */
  dir: string;
  /** Folder where downloaded containerd packages are cached between runs. */
  cacheDir: string;
  /** First TCP port on 127.0.0.1; the lab uses portBase+1 … portBase+23. */
  portBase: number;
  /** Which containerd versions to run. */
  versions: readonly LabVersion[];
  /** The daemons' log level; unset: the running lab's, else DEFAULT_LAB_LOG_LEVEL. A change restarts them. */
  logLevel?: LabLogLevel;
  /** The daemons' CRI image_pull_progress_timeout (scripts/measure-silence); unset: containerd's default. A change restarts them. */
  criPullProgressTimeout?: string;
}

export function defaultLabOptions(env: NodeJS.ProcessEnv = process.env): LabOptions {
  const versions = env.MIRROR_DOCTOR_LAB_VERSIONS
    ? (env.MIRROR_DOCTOR_LAB_VERSIONS.split(',').filter((v) => (LAB_VERSIONS as readonly string[]).includes(v)) as LabVersion[])
    : [...LAB_VERSIONS];
  return {
    dir: env.MIRROR_DOCTOR_LAB_DIR || join(tmpdir(), 'mirror-doctor-lab'),
    cacheDir: env.MIRROR_DOCTOR_CACHE || join(env.XDG_CACHE_HOME || join(env.HOME || tmpdir(), '.cache'), 'mirror-doctor'),
    portBase: env.MIRROR_DOCTOR_LAB_PORT_BASE ? Number(env.MIRROR_DOCTOR_LAB_PORT_BASE) : 5100,
    versions,
    ...(env.MIRROR_DOCTOR_LAB_LOG_LEVEL ? { logLevel: parseLabLogLevel(env.MIRROR_DOCTOR_LAB_LOG_LEVEL, 'MIRROR_DOCTOR_LAB_LOG_LEVEL') } : {}),
  };
}

/** Ports of the lab's registries on 127.0.0.1. */
export interface LabPorts {
  /** plain-HTTP mirror that holds the test image */
  mirror: number;
  /** plain-HTTP registry that is empty: every manifest is 404 */
  empty: number;
  /** nothing listens here: connection refused */
  refused: number;
  /** HTTPS mirror with a certificate from the lab's own CA */
  tls: number;
  /** plain-HTTP mirror behind basic auth (htpasswd) */
  auth: number;
  /** plain-HTTP mirror behind bearer-token auth, and its token server (token-server.ts) */
  token: number;
  tokenServer: number;
  /** the same mirror, its challenge naming a token server where nothing listens (ports.refused) */
  tokenUnreachable: number;
  /** a mirror that answers every request 429 Too Many Requests, one that answers 503, one that has no blobs, a web page (status-mirrors.ts) */
  rateLimited: number;
  unavailable: number;
  blobless: number;
  webPage: number;
  /** the token mirror again, its challenge naming the web page as its token server (ports.webPage) */
  tokenWebPage: number;
  /** accepts no connection and answers no SYN: a blackholed host (connects time out) */
  blackhole: number;
  /** accepts and never writes: a TLS handshake stall (https://) or a response-header stall (http://) */
  silent: number;
  /** proxies the mirror but sends only half of each GET's body, then hangs */
  bodyStall: number;
  /** an HTTP proxy address where nothing listens (for the daemon proxy-env scenario) */
  deadProxy: number;
  /** the redirecting mirrors (one per redirect target) and their targets (redirect-mirror.ts) */
  redirect: {
    mirrors: { served: number; refused: number; stalled: number; forbidden: number };
    servedTarget: number;
    /** nothing listens here */
    refusedTarget: number;
    stalledTarget: number;
    forbiddenTarget: number;
  };
}

export function labPorts(base: number): LabPorts {
  return {
    mirror: base + 1,
    empty: base + 2,
    refused: base + 3,
    tls: base + 4,
    auth: base + 5,
    blackhole: base + 6,
    silent: base + 7,
    bodyStall: base + 8,
    deadProxy: base + 9,
    redirect: {
      mirrors: { served: base + 10, refused: base + 11, stalled: base + 12, forbidden: base + 13 },
      servedTarget: base + 14,
      refusedTarget: base + 15,
      stalledTarget: base + 16,
      forbiddenTarget: base + 17,
    },
    token: base + 18,
    tokenServer: base + 19,
    tokenUnreachable: base + 20,
    rateLimited: base + 21,
    unavailable: base + 22,
    blobless: base + 23,
    webPage: base + 24,
    tokenWebPage: base + 25,
  };
}

/** Every path inside the lab folder, in one place. */
export function labPaths(dir: string) {
  return {
    dir,
    state: join(dir, 'state.json'),
    lock: join(dir, '.lock'),
    hostsDir: join(dir, 'certs.d'),
    pki: join(dir, 'pki'),
    caCert: join(dir, 'pki', 'ca.crt'),
    caKey: join(dir, 'pki', 'ca.key'),
    serverCert: join(dir, 'pki', 'server.crt'),
    serverKey: join(dir, 'pki', 'server.key'),
    htpasswd: join(dir, 'pki', 'htpasswd'),
    tokenCert: join(dir, 'pki', 'token.crt'),
    tokenKey: join(dir, 'pki', 'token.key'),
    registry: (name: string) => ({
      dir: join(dir, 'registry', name),
      config: join(dir, 'registry', name, 'config.yml'),
      log: join(dir, 'registry', name, 'registry.log'),
    }),
    storage: (name: string) => join(dir, 'storage', name),
    containerd: (version: LabVersion) => {
      const base = join(dir, 'containerd', version);
      return {
        base,
        config: join(base, 'config.toml'),
        root: join(base, 'root'),
        state: join(base, 'state'),
        opt: join(base, 'opt'),
        cniConfDir: join(base, 'cni', 'net.d'),
        address: join(base, 'containerd.sock'),
        log: join(base, 'containerd.log'),
      };
    },
  };
}
export type LabPaths = ReturnType<typeof labPaths>;

/** Credentials of the basic-auth mirror. Lab-only, not a secret. */
export const LAB_AUTH = { user: 'labuser', password: 'labpass' } as const;
