/**
 * containerd's config.toml as gathering finds it: which file (option, the daemon's --config, the
 * distribution's, else the default), its analysis with its imports, and their modification times.
 */
import type { DistributionFact, Facts } from '../checks/facts.js';
import { analyzeConfig, DEFAULT_CONFIG_FILE, type ConfigAnalysis } from '../containerd/config-toml.js';
import type { BehaviourProfile } from '../containerd/version.js';
import type { DaemonProcess } from './daemon-process.js';
import { errorText } from './fact-values.js';
import type { StatLike } from './host-dir-permissions.js';
import type { NodeFileReader } from './node-files.js';
import { nodePath } from './node-path.js';
import { resolveNodePath } from './node-root.js';

/** The config.toml the daemon reads, and what says so (`unitConfig`: --config in the ExecStart of its unit, when no process was seen). */
export function chooseConfigFile(
  option: string | undefined,
  proc: DaemonProcess | null,
  distribution: DistributionFact,
  address: string,
  unitConfig: string | null = null,
): { configFile: string; configFileSource: NonNullable<Facts['configFileSource']> } {
  if (option !== undefined) return { configFile: nodePath(option), configFileSource: 'option' };
  if (proc?.config) return { configFile: nodePath(proc.config), configFileSource: 'daemon-flag' };
  if (unitConfig) return { configFile: nodePath(unitConfig), configFileSource: 'unit-flag' };
  if (distribution.kind !== 'containerd' && address === distribution.socket) return { configFile: distribution.configFile, configFileSource: 'distribution' };
  return { configFile: DEFAULT_CONFIG_FILE, configFileSource: 'default' };
}

/** Reads config.toml and its imports into the reader's snapshot and analyses them; null (noted) when that fails. */
export async function analyseConfigFile(reader: NodeFileReader, configFile: string, profile: BehaviourProfile, notes: string[]): Promise<ConfigAnalysis | null> {
  try {
    await reader.readConfig(configFile);
    return analyzeConfig(configFile, reader.snapshot, profile);
  } catch (e) {
    notes.push(`config.toml could not be analysed: ${errorText(e)}`);
    return null;
  }
}

/** The modification times of config.toml and of every file it imports (those that can be stat'ed). */
export async function configFileTimes(
  statFs: StatLike,
  root: string,
  configFile: string,
  analysis: ConfigAnalysis | null,
): Promise<{ configMtime: number | null; configMtimes: Record<string, number> }> {
  const configMtime = await fileMtime(statFs, root, configFile);
  const configMtimes = await fileMtimes(statFs, root, analysis?.files ?? [configFile]);
  return { configMtime, configMtimes };
}

/** The files a distribution renders containerd's config from when it starts: registries.yaml and the template (none for plain containerd). */
export function renderSources(distribution: DistributionFact): string[] {
  if (!distribution.generated) return [];
  return [distribution.registriesYaml?.path, distribution.template].filter((p): p is string => typeof p === 'string');
}

/** mtime (ms since the epoch) of each node path that exists. */
export async function fileMtimes(statFs: StatLike, root: string, paths: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const p of paths) {
    const m = await fileMtime(statFs, root, p);
    if (m !== null) out[p] = m;
  }
  return out;
}

async function fileMtime(statFs: StatLike, root: string, p: string): Promise<number | null> {
  try {
    const at = await resolveNodePath(root, p, statFs);
    return at.ok ? (await statFs.stat(at.hostPath)).mtimeMs : null;
  } catch {
    return null;
  }
}
