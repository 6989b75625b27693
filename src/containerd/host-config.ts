/**
 * One host entry as containerd's `parseHostConfig` builds it from hosts.toml, the file it reads,
 * and the capabilities an entry gets by default: the data every later step of the emulation uses.
 */
import type { SourcePosition } from './decision.js';
import type { BehaviourProfile } from './version.js';
import type { NotUtf8 } from './not-utf8.js';

export type Capability = 'pull' | 'resolve' | 'push' | 'referrers';

/** containerd's `hostConfig` after `parseHostConfig`. */
export interface HostConfig {
  /** `mirror`: a `[host."…"]` table; `server`: the top-level entry, always last. */
  kind: 'mirror' | 'server';
  /** The mirror key or `server` value as written ('' when `server` is omitted). */
  written: string;
  scheme: string;
  host: string;
  path: string;
  capabilities: Capability[];
  /** True when `capabilities` was omitted or empty (→ all). */
  capabilitiesDefaulted: boolean;
  caCerts: string[];
  clientPairs: Array<[string, string]>;
  skipVerify?: boolean;
  header: Record<string, string[]>;
  /** Raw `dial_timeout` (2.0.7+). */
  dialTimeout?: string;
  overridePath: boolean;
  /** Where the entry is defined. */
  at?: SourcePosition;
}

export interface HostsFileInput {
  /** Host directory (the base for relative `ca`/`client` paths). */
  dir: string;
  text: string;
  /** where the file first holds a byte that is not UTF-8 (not-utf8.ts) */
  notUtf8?: NotUtf8;
}

const ALL_V1: Capability[] = ['pull', 'resolve', 'push'];

/** Every capability this version knows: what an entry without `capabilities` gets. */
export function defaultCapabilities(profile: BehaviourProfile): Capability[] {
  return profile.referrersCapability ? [...ALL_V1, 'referrers'] : [...ALL_V1];
}

/** The entry containerd starts from when a folder has no usable hosts.toml: the server slot, to be filled with the registry itself. */
export function emptyServerEntry(): HostConfig {
  return {
    kind: 'server',
    written: '',
    scheme: '',
    host: '',
    path: '',
    capabilities: [],
    capabilitiesDefaulted: true,
    caCerts: [],
    clientPairs: [],
    header: {},
    overridePath: false,
  };
}
