/**
 * The node's surroundings as gathering sees them: the files that name its distribution, the socket
 * that implies, the invoking user, the shell's proxy variables and the node's name.
 */
import { redactProxyValue } from '../report/redact.js';
import type { DistributionFact, Facts } from '../checks/facts.js';
import { NODE_NAME_ENV } from '../checks/facts.js';
import { DEFAULT_ADDRESS } from './daemon-process.js';
import type { DistributionProbe } from './distribution.js';
import { invokingUser, type InvokingUser } from './host-dir-permissions.js';
import type { NodeFileReader } from './node-files.js';
import { PROXY_VAR } from './systemd-unit.js';

/** A reader's text file, or null (missing, a folder, binary). */
export function textReader(reader: NodeFileReader): (p: string) => Promise<string | null> {
  return async (p) => {
    const e = await reader.read(p);
    return e.kind === 'file' && e.content?.kind === 'text' ? e.content.text : null;
  };
}

/** The file checks distribution detection makes, through a reader (so under --root). */
export function distributionProbe(reader: NodeFileReader, readText: (p: string) => Promise<string | null>): DistributionProbe {
  return {
    exists: async (p) => (await reader.stat(p)).kind !== 'missing',
    firstLine: async (p) => (await readText(p))?.split('\n')[0] ?? null,
    readText,
  };
}

/** The containerd socket: --address, else the distribution's (not plain containerd), else the default. */
export function chooseAddress(option: string | undefined, distribution: DistributionFact | null): { address: string; addressSource: NonNullable<Facts['addressSource']> } {
  if (option !== undefined) return { address: option, addressSource: 'option' };
  if (distribution && distribution.kind !== 'containerd') return { address: distribution.socket, addressSource: 'distribution' };
  return { address: DEFAULT_ADDRESS, addressSource: 'default' };
}

/** Who runs mirror-doctor (SUDO_* followed); root when that cannot be told. */
export function gatheringUser(env: NodeJS.ProcessEnv, given: InvokingUser | undefined): InvokingUser {
  try {
    return given ?? invokingUser(env);
  } catch {
    return { uid: 0, gid: 0, groups: [0], name: null };
  }
}

/** The shell's proxy variables (what ctr uses), their credentials redacted; containerd's own CONTAINERD_* variables left out. */
export function shellProxyEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && PROXY_VAR.test(k) && !k.toUpperCase().startsWith('CONTAINERD_')) out[k] = redactProxyValue(v);
  return out;
}

/**
 * The node's name: MIRROR_DOCTOR_NODE_NAME (the fleet manifest sets it from the pod's spec.nodeName;
 * a pod's own host name is the pod's), else this machine's host name on a live node, else the
 * copied node's /etc/hostname under --root.
 */
export async function gatherNodeName(env: NodeJS.ProcessEnv, live: boolean, hostname: () => string, readText: (p: string) => Promise<string | null>): Promise<string | null> {
  const fromEnv = env[NODE_NAME_ENV]?.trim();
  if (fromEnv) return fromEnv;
  if (live) {
    try {
      return hostname() || null;
    } catch {
      return null;
    }
  }
  const copied = (await readText('/etc/hostname').catch(() => null))?.split('\n')[0]?.trim();
  return copied || null;
}
