/**
 * Where the daemon is and what it reads, found the same way by `check` and `trace`: the distribution,
 * the socket, the daemon process serving it, its config.toml and the default hosts folder.
 */
import type { DaemonProcessFact, DistributionFact, Facts, SystemdFact } from '../checks/facts.js';
import { splitConfigPath } from '../containerd/host-dirs.js';
import { chooseConfigFile } from './config-file-facts.js';
import { findContainerdUnit, gatherDaemonProcess } from './daemon-facts.js';
import { addressFlag, configFlag } from './daemon-flags.js';
import type { DaemonProcess } from './daemon-process.js';
import { detectDistribution, type DistributionProbe } from './distribution.js';
import { chooseAddress } from './environment-facts.js';
import type { UnitFiles } from './systemd-unit.js';

export interface DaemonLocation {
  distribution: DistributionFact;
  address: string;
  addressSource: NonNullable<Facts['addressSource']>;
  proc: DaemonProcess | null;
  processFact: DaemonProcessFact | null;
  /** the systemd unit from the process's cgroup */
  procUnit: string | null;
  /** no process seen: the unit that would run containerd, whose ExecStart flags were used */
  foundUnit: SystemdFact | null;
  configFile: string;
  configFileSource: NonNullable<Facts['configFileSource']>;
}

export interface LocateOptions {
  address?: string;
  config?: string;
  /** look for the daemon's process in /proc (the live node, or a daemon to contact) */
  lookForProcess: boolean;
  findDaemon?: (address: string) => DaemonProcess | null;
  procDir?: string;
  onStep?: (step: string) => void;
  /** the node's systemd unit files, read for containerd's flags when no process is seen */
  unitFiles?: UnitFiles;
}

/** The distribution from its files, the socket it implies, then the process serving it (whose flags refine both). */
export async function locateDaemon(probe: DistributionProbe, o: LocateOptions): Promise<DaemonLocation> {
  o.onStep?.('distribution');
  let distribution = await detectDistribution(probe).catch(() => null);
  let { address, addressSource } = chooseAddress(o.address, distribution);

  o.onStep?.('daemon process');
  const look = (a: string) => (o.lookForProcess ? gatherDaemonProcess(a, o.findDaemon, o.procDir) : { proc: null, fact: null, unit: null });
  let { proc, fact: processFact, unit: procUnit } = look(address);
  // no process to read (not running, a copied node): the flags its unit would start it with
  let unitConfig: string | null = null;
  let foundUnit: SystemdFact | null = null;
  if (!proc && (!distribution || distribution.kind === 'containerd') && o.unitFiles && (o.address === undefined || o.config === undefined)) {
    const unit = await findContainerdUnit(o.unitFiles).catch(() => null);
    if (unit?.execStart) {
      foundUnit = unit;
      unitConfig = configFlag(unit.execStart);
      const flagged = addressFlag(unit.execStart);
      if (o.address === undefined && flagged !== null && flagged !== address) {
        address = flagged;
        addressSource = 'unit-flag';
        ({ proc, fact: processFact, unit: procUnit } = look(address));
      }
    }
  }
  if (proc) distribution = await detectDistribution(probe, proc.argv).catch(() => distribution);
  distribution ??= await detectDistribution({ exists: async () => false, firstLine: async () => null });

  const { configFile, configFileSource } = chooseConfigFile(o.config, proc, distribution, address, proc ? null : unitConfig);
  return { distribution, address, addressSource, proc, processFact, procUnit, foundUnit: proc ? null : foundUnit, configFile, configFileSource };
}

/** The folder `ctr --hosts-dir` gets: the option, else config_path's first entry, else the distribution's, else the default. */
export function defaultHostsDir(option: string | undefined, configPath: string, distribution: DistributionFact): string {
  return option ?? splitConfigPath(configPath)[0] ?? (distribution.kind !== 'containerd' ? distribution.certsDir : null) ?? '/etc/containerd/certs.d';
}
