import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import type { LabVersion } from './layout.js';

/** Where Debian ships each containerd series we test against. */
const SERIES_SOURCES: Record<LabVersion, { suites: string[]; pattern: RegExp }> = {
  '1.6': { suites: ['bookworm'], pattern: /^1\.6\./ },
  '1.7': { suites: ['trixie'], pattern: /^1\.7\./ },
  '2.1': { suites: ['sid'], pattern: /^2\.1\./ },
};

/** System commands the lab needs, and the Debian package that provides each. */
const SYSTEM_COMMANDS: Array<{ command: string; pkg: string }> = [
  { command: 'docker-registry', pkg: 'docker-registry' },
  { command: 'openssl', pkg: 'openssl' },
  { command: 'htpasswd', pkg: 'apache2-utils' },
  { command: 'python3', pkg: 'python3' },
];

export interface ContainerdBinaries {
  series: LabVersion;
  /** Debian package version, e.g. "1.7.24~ds1-6+deb13u1" */
  packageVersion: string;
  containerd: string;
  ctr: string;
}

type Log = (line: string) => void;

export async function commandExists(command: string): Promise<boolean> {
  const r = await execa('sh', ['-c', 'command -v "$1"', 'sh', command], { reject: false });
  return r.exitCode === 0;
}

/** Installs the Debian packages whose commands are missing (never touches containerd on the system). */
export async function ensureSystemPackages(log: Log): Promise<void> {
  const missing: string[] = [];
  for (const { command, pkg } of SYSTEM_COMMANDS) {
    if (!(await commandExists(command))) missing.push(pkg);
  }
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`missing packages ${missing.join(', ')}: run as root, or install them with apt-get`);
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  await execa('apt-get', ['update', '-qq'], { env: { DEBIAN_FRONTEND: 'noninteractive' } });
  await execa('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    env: { DEBIAN_FRONTEND: 'noninteractive' },
  });
}

/** Reads an already unpacked series from the cache, or undefined when the cache is cold. */
export function cachedContainerd(cacheDir: string, series: LabVersion): ContainerdBinaries | undefined {
  const dir = join(cacheDir, 'containerd', series);
  const versionFile = join(dir, 'package-version');
  const containerd = join(dir, 'root', 'usr', 'bin', 'containerd');
  const ctr = join(dir, 'root', 'usr', 'bin', 'ctr');
  if (!existsSync(versionFile) || !existsSync(containerd) || !existsSync(ctr)) return undefined;
  return { series, packageVersion: readFileSync(versionFile, 'utf8').trim(), containerd, ctr };
}

/**
 * Makes sure each requested containerd series is unpacked in the cache. Packages come from
 * Debian through a temporary sources list (`apt-get download`) and are unpacked with `dpkg -x`;
 * nothing is installed over the system, and a warm cache downloads nothing.
 */
export async function ensureContainerd(cacheDir: string, series: readonly LabVersion[], log: Log): Promise<ContainerdBinaries[]> {
  const result: ContainerdBinaries[] = [];
  const cold = series.filter((s) => !cachedContainerd(cacheDir, s));
  if (cold.length > 0) {
    const apt = await prepareAptCache(cacheDir, [...new Set(cold.flatMap((s) => SERIES_SOURCES[s].suites))], log);
    for (const s of cold) await downloadSeries(cacheDir, apt, s, log);
  }
  for (const s of series) {
    const bins = cachedContainerd(cacheDir, s);
    if (!bins) throw new Error(`containerd ${s} is not in the cache after download`);
    result.push(bins);
  }
  return result;
}

interface AptCache {
  options: string[];
}

async function prepareAptCache(cacheDir: string, suites: string[], log: Log): Promise<AptCache> {
  const dir = join(cacheDir, 'apt');
  mkdirSync(join(dir, 'lists', 'partial'), { recursive: true });
  mkdirSync(join(dir, 'archives', 'partial'), { recursive: true });
  const sourcesList = join(dir, 'sources.list');
  writeFileSync(
    sourcesList,
    suites
      .map((s) => `deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian ${s} main\n`)
      .join(''),
  );
  const options = [
    '-o', `Dir::Etc::SourceList=${sourcesList}`,
    '-o', 'Dir::Etc::SourceParts=/dev/null',
    '-o', `Dir::State::Lists=${join(dir, 'lists')}`,
    '-o', `Dir::Cache=${dir}`,
    '-o', 'APT::Sandbox::User=root',
  ];
  log(`reading Debian package lists for ${suites.join(', ')} (temporary sources list in ${dir})`);
  await execa('apt-get', [...options, 'update', '-qq']);
  return { options };
}

async function downloadSeries(cacheDir: string, apt: AptCache, series: LabVersion, log: Log): Promise<void> {
  const { pattern } = SERIES_SOURCES[series];
  const madison = await execa('apt-cache', [...apt.options, 'madison', 'containerd']);
  const versions = madison.stdout
    .split('\n')
    .map((line) => line.split('|')[1]?.trim())
    .filter((v): v is string => !!v && pattern.test(v));
  const version = versions[0];
  if (!version) throw new Error(`no containerd ${series}.x package found in Debian (apt-cache madison: ${madison.stdout.trim()})`);
  const target = join(cacheDir, 'containerd', series);
  const work = `${target}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  log(`downloading containerd ${version} from Debian`);
  await execa('apt-get', [...apt.options, 'download', `containerd=${version}`], { cwd: work });
  const deb = readdirSync(work).find((f) => f.endsWith('.deb'));
  if (!deb) throw new Error(`apt-get download containerd=${version} produced no .deb`);
  await execa('dpkg', ['-x', join(work, deb), join(work, 'root')]);
  rmSync(join(work, deb));
  writeFileSync(join(work, 'package-version'), `${version}\n`);
  rmSync(target, { recursive: true, force: true });
  renameSync(work, target);
}
