/**
 * What gathering learns about the containerd daemon: its process (/proc), its systemd unit, and
 * over its socket the server version, the registry plugins and the live CRI registry config.
 */
import * as fsp from 'node:fs/promises';
import type { DaemonProcessFact, DistributionFact, Facts, Known, PluginFact, SystemdFact } from '../checks/facts.js';
import { CriClient, liveRegistryConfig, type CriStatus } from './cri-client.js';
import { ContainerdApi } from './containerd-api.js';
import { findDaemonProcess, type DaemonProcess } from './daemon-process.js';
import { errorText, known, unknown } from './fact-values.js';
import type { NodeFileReader } from './node-files.js';
import { listPlugins, registryPlugins } from './plugins.js';
import { readProcessProxyEnv, readProcessUnit } from './process-environ.js';
import { readSystemdUnit, UNIT_DIRS, type UnitFiles } from './systemd-unit.js';
import { runsContainerd } from './daemon-flags.js';

/** The daemon calls gathering makes (tests replace them). */
export interface DaemonClient {
  version(): Promise<string>;
  plugins(): Promise<PluginFact[]>;
  criStatus(): Promise<CriStatus>;
  close(): void;
}

const defaultDaemon = (address: string): DaemonClient => {
  const api = new ContainerdApi(address);
  const cri = new CriClient(address);
  return {
    version: async () => (await api.version()).version,
    plugins: () => listPlugins(address),
    criStatus: () => cri.status(true),
    close: () => {
      api.close();
      cri.close();
    },
  };
};

/** What Go's net.Dial says for a unix socket that cannot be used, or null. */
async function defaultSocketProblem(address: string): Promise<string | null> {
  const p = address.replace(/^unix:\/\//, '');
  try {
    const st = await fsp.stat(p);
    if (!st.isSocket()) return `dial unix ${p}: connect: connection refused (${p} is not a socket)`;
  } catch (e) {
    const c = (e as NodeJS.ErrnoException).code;
    return `dial unix ${p}: connect: ${c === 'ENOENT' ? 'no such file or directory' : c === 'EACCES' ? 'permission denied' : c}`;
  }
  try {
    await fsp.access(p, fsp.constants.R_OK | fsp.constants.W_OK);
  } catch {
    return `dial unix ${p}: connect: permission denied`;
  }
  return null;
}

/** The daemon process serving an address, its proxy variables and its systemd unit (from /proc). */
export function gatherDaemonProcess(
  address: string,
  findDaemon: ((address: string) => DaemonProcess | null) | undefined,
  procDir: string | undefined,
): { proc: DaemonProcess | null; fact: DaemonProcessFact | null; unit: string | null } {
  let proc: DaemonProcess | null;
  try {
    proc = (findDaemon ?? findDaemonProcess)(address);
  } catch {
    proc = null;
  }
  if (!proc) return { proc: null, fact: null, unit: null };
  const envRead = readProcessProxyEnv(proc.pid, procDir);
  const fact: DaemonProcessFact = { pid: proc.pid, argv: proc.argv, startedAt: proc.startedAt, configFlag: proc.config, address: proc.address, proxyEnv: envRead.env };
  return { proc, fact, unit: readProcessUnit(proc.pid, procDir) };
}

const UNITS: Record<DistributionFact['kind'], string[]> = {
  containerd: ['containerd.service'],
  k3s: ['k3s.service', 'k3s-agent.service'],
  rke2: ['rke2-server.service', 'rke2-agent.service'],
  microk8s: ['snap.microk8s.daemon-containerd.service'],
  k0s: ['k0sworker.service', 'k0scontroller.service'],
  // Talos runs containerd as a service of its own (machined), not a systemd unit
  talos: [],
};

/** The node's unit files as readSystemdUnit reads them. */
export function unitFilesOf(reader: NodeFileReader, readText: (p: string) => Promise<string | null>): UnitFiles {
  return {
    readText,
    list: async (p) => {
      const e = await reader.stat(p);
      return e.kind === 'directory' ? (e.entries ?? []).map((d) => d.name) : null;
    },
  };
}

/** The daemon's systemd unit and drop-ins: the process's own unit (or the one found for it when no process was seen), else the distribution's usual ones. */
export async function gatherSystemdUnit(unitFiles: UnitFiles, procUnit: string | null, kind: DistributionFact['kind'], found: SystemdFact | null = null): Promise<SystemdFact | null> {
  if (found) return { ...found, fromProcess: false };
  for (const unit of [...new Set([...(procUnit ? [procUnit] : []), ...UNITS[kind]])]) {
    const systemd = await readSystemdUnit(unitFiles, unit).catch(() => null);
    if (systemd) return { ...systemd, fromProcess: unit === procUnit };
  }
  return null;
}

/**
 * With no daemon process to read: the unit that would run containerd. containerd.service, else a
 * unit whose name holds "containerd" and whose ExecStart runs containerd (k8s-containerd.service).
 */
export async function findContainerdUnit(unitFiles: UnitFiles): Promise<SystemdFact | null> {
  const runs = (u: SystemdFact | null) => (u?.execStart && runsContainerd(u.execStart) ? u : null);
  const main = runs(await readSystemdUnit(unitFiles, 'containerd.service').catch(() => null));
  if (main) return main;
  const names = new Set<string>();
  for (const dir of UNIT_DIRS) for (const n of (await unitFiles.list(dir).catch(() => null)) ?? []) if (/containerd.*\.service$/.test(n) && n !== 'containerd.service') names.add(n);
  for (const n of [...names].sort()) {
    const u = runs(await readSystemdUnit(unitFiles, n).catch(() => null));
    if (u) return u;
  }
  return null;
}

export interface DaemonAnswers {
  reachable: boolean;
  /** why the daemon could not be used (null when reachable) */
  daemonError: string | null;
  server: Known<string>;
  plugins: Known<PluginFact[]>;
  liveCri: Facts['liveCri'];
}

/** What the daemon at an address says (nothing asked when offline): version, registry plugins, live CRI registry config. */
export async function askDaemon(
  address: string,
  offline: boolean,
  deps: { socketProblem?: (address: string) => Promise<string | null>; daemon?: (address: string) => DaemonClient },
): Promise<DaemonAnswers> {
  let reachable = false;
  let daemonError: string | null = offline ? 'not contacted (offline)' : null;
  let server: Known<string> = unknown(offline ? 'not contacted (offline)' : 'not asked', `containerd Version API at ${address}`);
  let plugins: Known<PluginFact[]> = unknown(offline ? 'not contacted (offline)' : 'daemon not reachable', `introspection Plugins API at ${address}`);
  let liveCri: Facts['liveCri'] = unknown(offline ? 'not contacted (offline)' : 'daemon not reachable', `CRI Status(verbose) at ${address}`);
  if (!offline) {
    const problem = await (deps.socketProblem ?? defaultSocketProblem)(address).catch((e) => errorText(e));
    if (problem) {
      daemonError = problem;
      server = unknown(problem, `containerd Version API at ${address}`);
    } else {
      let client: DaemonClient | null = null;
      try {
        client = (deps.daemon ?? defaultDaemon)(address);
        try {
          server = known(await client.version(), `containerd Version API at ${address}`);
          reachable = true;
        } catch (e) {
          daemonError = errorText(e);
          server = unknown(daemonError, `containerd Version API at ${address}`);
        }
        if (reachable) {
          try {
            plugins = known(registryPlugins(await client.plugins()), `introspection Plugins API at ${address} (as \`ctr plugins ls\`)`);
          } catch (e) {
            plugins = unknown(errorText(e), `introspection Plugins API at ${address}`);
          }
          try {
            const st = await client.criStatus();
            const reg = liveRegistryConfig(st);
            liveCri = known(
              reg ? { exposed: true, configPath: reg.configPath, hasMirrors: Object.keys(reg.mirrors).length > 0 } : { exposed: false, configPath: null, hasMirrors: false },
              `CRI runtime.v1.RuntimeService/Status(verbose) at ${address}`,
            );
          } catch (e) {
            liveCri = unknown(errorText(e), `CRI runtime.v1.RuntimeService/Status(verbose) at ${address}`);
          }
        }
      } catch (e) {
        daemonError = errorText(e);
      } finally {
        client?.close();
      }
    }
  }
  return { reachable, daemonError, server, plugins, liveCri };
}
