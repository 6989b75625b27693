import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { DEFAULT_LAB_LOG_LEVEL, labPaths, labPorts, LAB_AUTH, LAB_VERSIONS, type LabLogLevel, type LabOptions, type LabPaths, type LabPorts, type LabVersion } from './layout.js';
import { ensureContainerd, ensureSystemPackages, type ContainerdBinaries } from './install.js';
import { ensurePki } from './pki.js';
import { isAlive, startDetached, stopProcess, waitUntil, type LabProcess } from './processes.js';
import { registrySpecs, registryUrl, startRegistry, type RegistryName } from './registries.js';
import { daemonConfigToml } from './containerd-config.js';
import { daemonCommand } from './daemon-command.js';
import { buildTestImage, pushTestImage } from './test-image.js';
import { DOCKER_REPOSITORY, HOSTPORT_REPOSITORY, SCENARIOS, TAG, atPorts, findScenario, type Scenario } from './scenarios.js';
import { httpCall } from './http-client.js';
import { startBlackhole } from './blackhole.js';
import { startSilentHosts } from './silent-hosts.js';
import { startStatusMirrors } from './status-mirrors.js';
import { redirectMirrorConfig, startRedirectMirror } from './redirect-mirror.js';
import { startTokenServer, TOKEN_ISSUER } from './token-server.js';

export const DEFAULT_SCENARIO = 'mirror-ok';

export interface DaemonState {
  version: LabVersion;
  packageVersion: string;
  containerd: string;
  ctr: string;
  address: string;
  config: string;
  root: string;
  state: string;
  log: string;
  env: Record<string, string>;
  /** the level it was started at (absent in state written before the lab had the option: debug) */
  logLevel?: LabLogLevel;
  /** the command line it was started with */
  command?: string[];
  /** hash of what the daemon was started with (binary, command line, config text, environment) */
  startHash: string;
  process: LabProcess;
}

export interface LabState {
  schema: 'mirror-doctor.lab/v1';
  dir: string;
  portBase: number;
  ports: LabPorts;
  hostsDir: string;
  caCert: string;
  scenario: string;
  /** the daemons' log level (absent in state written before the lab had the option: debug) */
  logLevel?: LabLogLevel;
  registries: Partial<Record<RegistryName, LabProcess & { url: string }>>;
  /** the blackholed host (port ports.blackhole) */
  blackhole?: LabProcess;
  /** the hosts that accept and go silent (ports.silent, ports.bodyStall); absent in older state */
  silentHosts?: LabProcess;
  /** the redirecting mirrors and their targets (ports.redirect) */
  redirectMirror?: LabProcess;
  /** the token server of the `token` registry (ports.tokenServer) */
  tokenServer?: LabProcess;
  /** the mirrors that answer 429, 503, blob 404 and a web page (ports.rateLimited, unavailable, blobless, webPage); absent in older state */
  statusMirrors?: LabProcess;
  daemons: Partial<Record<LabVersion, DaemonState>>;
  /**
   * containerd 1.7+ creates its default state folder /run/containerd at start even when --state
   * points elsewhere; when the machine had none, `down` removes the empty folder again.
   */
  createdRunContainerd: boolean;
}

const RUN_CONTAINERD = '/run/containerd';

export type Log = (line: string) => void;

export function readState(dir: string): LabState | undefined {
  const file = labPaths(dir).state;
  if (!existsSync(file)) return undefined;
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as LabState;
    return s.schema === 'mirror-doctor.lab/v1' ? s : undefined;
  } catch {
    return undefined;
  }
}

function writeState(state: LabState): void {
  writeFileSync(labPaths(state.dir).state, `${JSON.stringify(state, null, 2)}\n`);
}

/**
 * Brings the lab up (idempotent): installs what is missing, starts the registries and one
 * containerd per version, pushes the test image, and applies the scenario.
 */
export async function labUp(opts: LabOptions, scenarioName: string | undefined, log: Log): Promise<LabState> {
  if (process.getuid?.() !== 0) throw new Error('the lab runs containerd, which needs root: run it as root (sudo)');
  const previous = readState(opts.dir);
  const scenario = findScenario(scenarioName ?? previous?.scenario ?? DEFAULT_SCENARIO);
  if (!scenario) throw new Error(`unknown scenario "${scenarioName}"; \`lab scenarios\` lists them`);
  if (previous && previous.portBase !== opts.portBase) {
    throw new Error(`a lab is already up in ${opts.dir} on port base ${previous.portBase}; run \`lab down\` first`);
  }
  const paths = labPaths(opts.dir);
  mkdirSync(opts.dir, { recursive: true, mode: 0o755 });
  await ensureSystemPackages(log);
  const binaries = await ensureContainerd(opts.cacheDir, opts.versions, log);
  await ensurePki(paths);
  const ports = labPorts(opts.portBase);
  const state: LabState = previous ?? {
    schema: 'mirror-doctor.lab/v1',
    dir: opts.dir,
    portBase: opts.portBase,
    ports,
    hostsDir: paths.hostsDir,
    caCert: paths.caCert,
    scenario: scenario.name,
    registries: {},
    daemons: {},
    createdRunContainerd: !existsSync(RUN_CONTAINERD),
  };
  // state written by a lab that knew fewer ports: the same base gives the same ports plus the new ones
  state.ports = ports;
  writeState(state);

  for (const spec of registrySpecs(paths, ports)) {
    const running = state.registries[spec.name];
    if (running && isAlive(running)) continue;
    log(`starting registry "${spec.name}" on ${registryUrl(spec)}`);
    state.registries[spec.name] = { ...(await startRegistry(paths, spec)), url: registryUrl(spec) };
    writeState(state);
  }
  if (!(state.blackhole && isAlive(state.blackhole))) {
    log(`starting a blackholed host on 127.0.0.1:${ports.blackhole}`);
    state.blackhole = await startBlackhole(opts.dir, ports.blackhole);
    writeState(state);
  }
  // a lab brought up before these ports existed has no ports.silent/redirect: it gets them now
  state.ports = { ...ports, ...state.ports, silent: ports.silent, bodyStall: ports.bodyStall, redirect: ports.redirect, token: ports.token, tokenServer: ports.tokenServer, tokenUnreachable: ports.tokenUnreachable, rateLimited: ports.rateLimited, unavailable: ports.unavailable, blobless: ports.blobless, webPage: ports.webPage, tokenWebPage: ports.tokenWebPage };
  if (!(state.silentHosts && isAlive(state.silentHosts))) {
    log(`starting the silent hosts on 127.0.0.1:${ports.silent} (no answer) and ${ports.bodyStall} (body stall)`);
    state.silentHosts = await startSilentHosts(opts.dir, ports);
    writeState(state);
  }
  if (!(state.redirectMirror && isAlive(state.redirectMirror))) {
    const cfg = redirectMirrorConfig(ports);
    log(`starting the redirecting mirrors on 127.0.0.1:${cfg.mirrors.map((m) => m.port).join(',')}`);
    state.redirectMirror = await startRedirectMirror(opts.dir, cfg);
    writeState(state);
  }
  if (!(state.statusMirrors && isAlive(state.statusMirrors))) {
    log(`starting the mirrors that answer 429, 503, blob 404 and a web page on 127.0.0.1:${ports.rateLimited},${ports.unavailable},${ports.blobless},${ports.webPage}`);
    state.statusMirrors = await startStatusMirrors(opts.dir, ports);
    writeState(state);
  }
  if (!(state.tokenServer && isAlive(state.tokenServer))) {
    log(`starting the token server on 127.0.0.1:${ports.tokenServer}`);
    state.tokenServer = await startTokenServer(opts.dir, { port: ports.tokenServer, key: paths.tokenKey, cert: paths.tokenCert, issuer: TOKEN_ISSUER, user: LAB_AUTH.user, password: LAB_AUTH.password });
    writeState(state);
  }
  await ensureTestImage(ports, log);
  // like the scenario: the one asked for, else the running lab's, else the default
  state.logLevel = opts.logLevel ?? previous?.logLevel ?? DEFAULT_LAB_LOG_LEVEL;
  await applyScenario(state, scenario, binaries, log, state.logLevel, opts.criPullProgressTimeout);
  return state;
}

/** Pushes the test image into the shared storage (served by the mirror, TLS and auth registries). */
async function ensureTestImage(ports: LabPorts, log: Log): Promise<void> {
  const base = `http://127.0.0.1:${ports.mirror}`;
  const image = buildTestImage();
  for (const repository of [DOCKER_REPOSITORY, HOSTPORT_REPOSITORY]) {
    const head = await httpCall(`${base}/v2/${repository}/manifests/${TAG}`, {
      method: 'HEAD',
      headers: { accept: image.index.mediaType },
    });
    if (head.status === 200 && head.headers['docker-content-digest'] === image.index.digest) continue;
    log(`pushing the test image to ${base}/${repository}:${TAG} (${image.index.digest})`);
    await pushTestImage(image, { baseUrl: base, repository, tag: TAG });
  }
}

function writeHostsFolder(hostsDir: string, scenario: Scenario, ports: LabPorts, caCert: string): void {
  rmSync(hostsDir, { recursive: true, force: true });
  mkdirSync(hostsDir, { recursive: true });
  const files = scenario.hostFiles({ ports, caPem: readFileSync(caCert, 'utf8') });
  for (const [rel, content] of Object.entries(files)) {
    const file = join(hostsDir, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

function hash(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 16);
}

/**
 * Writes the scenario's hosts folder and (re)starts each daemon whose start configuration differs
 * (binary, command line, config text with its log level, environment).
 */
export async function applyScenario(
  state: LabState,
  scenario: Scenario,
  binaries: ContainerdBinaries[],
  log: Log,
  logLevel: LabLogLevel = DEFAULT_LAB_LOG_LEVEL,
  criPullProgressTimeout?: string,
): Promise<void> {
  const paths = labPaths(state.dir);
  log(`scenario "${scenario.name}": ${scenario.summary}`);
  writeHostsFolder(state.hostsDir, scenario, state.ports, state.caCert);
  state.scenario = scenario.name;
  writeState(state);
  const cri = scenario.cri ?? { configPath: 'set' as const };
  await Promise.all(
    binaries.map(async (bin) => {
      const v = bin.series;
      const p = paths.containerd(v);
      const configInput = {
        version: v,
        root: p.root,
        state: p.state,
        address: p.address,
        opt: p.opt,
        cniConfDir: p.cniConfDir,
        hostsDir: state.hostsDir,
        cri: {
          configPath: cri.configPath,
          ...(cri.legacyMirror ? { legacyMirrorEndpoint: `http://127.0.0.1:${state.ports.mirror}` } : {}),
        },
        logLevel,
        ...(criPullProgressTimeout !== undefined ? { imagePullProgressTimeout: criPullProgressTimeout } : {}),
      };
      const startConfig = daemonConfigToml(configInput);
      const env: Record<string, string> = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' };
      if (cri.daemonProxy) {
        env.HTTP_PROXY = `http://127.0.0.1:${state.ports.deadProxy}`;
        env.HTTPS_PROXY = `http://127.0.0.1:${state.ports.deadProxy}`;
      }
      const command = daemonCommand({ containerd: bin.containerd, config: p.config, root: p.root, state: p.state, address: p.address, logLevel });
      const startHash = hash(bin.containerd, bin.packageVersion, JSON.stringify(command), startConfig, JSON.stringify(env));
      const running = state.daemons[v];
      if (!(running && isAlive(running.process) && running.startHash === startHash)) {
        if (running) {
          log(`restarting containerd ${v} with the scenario's configuration at log level ${logLevel}`);
          await stopProcess(running.process, 10_000);
        }
        state.daemons[v] = await startDaemon(v, bin, p, startConfig, command, env, startHash, logLevel, log);
        writeState(state);
      }
      // the "edited after start" case: the file changes, the running daemon does not
      const fileConfig = cri.configPathAddedAfterStart ? daemonConfigToml({ ...configInput, cri: { ...configInput.cri, configPath: 'set' } }) : startConfig;
      // (rewriting the same text would still move the mtime past the daemon's start: a false "restart required")
      if (!existsSync(p.config) || readFileSync(p.config, 'utf8') !== fileConfig) writeFileSync(p.config, fileConfig);
    }),
  );
  // the daemons start in parallel: list them in version order, not in the order they came up
  state.daemons = Object.fromEntries(LAB_VERSIONS.filter((v) => state.daemons[v]).map((v) => [v, state.daemons[v]!]));
  writeState(state);
}

async function startDaemon(
  v: LabVersion,
  bin: ContainerdBinaries,
  p: ReturnType<LabPaths['containerd']>,
  config: string,
  command: string[],
  env: Record<string, string>,
  startHash: string,
  logLevel: LabLogLevel,
  log: Log,
): Promise<DaemonState> {
  for (const d of [p.base, p.root, p.state, p.opt]) mkdirSync(d, { recursive: true, mode: 0o711 });
  for (const sock of [p.address, `${p.address}.ttrpc`]) rmSync(sock, { force: true });
  writeFileSync(p.config, config);
  writeFileSync(p.log, `--- mirror-doctor lab: starting containerd ${bin.packageVersion} at ${new Date().toISOString()}\n`, { flag: 'a' });
  log(`starting containerd ${bin.packageVersion} on ${p.address} at log level ${logLevel}`);
  const proc = startDetached(`containerd-${v}`, command, p.log, env);
  await waitUntil(`containerd ${v}`, proc, async () => {
    if (!existsSync(p.address)) return false;
    const r = await execa(bin.ctr, ['--address', p.address, 'version'], { reject: false, timeout: 3000 });
    return r.exitCode === 0;
  }, 30_000);
  return {
    version: v,
    packageVersion: bin.packageVersion,
    containerd: bin.containerd,
    ctr: bin.ctr,
    address: p.address,
    config: p.config,
    root: p.root,
    state: p.state,
    log: p.log,
    env,
    logLevel,
    command,
    startHash,
    process: proc,
  };
}

/** Switches a running lab to another scenario. */
export async function labScenario(opts: LabOptions, name: string, log: Log): Promise<LabState> {
  if (!readState(opts.dir)) throw new Error(`no lab is up in ${opts.dir}; run \`lab up --scenario ${name}\``);
  return labUp(opts, name, log);
}

/** Mount points at or below `dir`, deepest first. */
function mountsUnder(dir: string): string[] {
  let text = '';
  try {
    text = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  const unescape = (s: string) => s.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  return text
    .split('\n')
    .map((line) => unescape(line.split(' ')[4] ?? ''))
    .filter((m) => m === dir || m.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

/**
 * Stops every process the lab started (by PID), unmounts anything left under the lab folder and
 * removes the folder. Idempotent: a lab that is already down is not an error.
 */
export async function labDown(opts: LabOptions, log: Log): Promise<void> {
  const state = readState(opts.dir);
  if (state) {
    await Promise.all(
      Object.values(state.daemons).map(async (d) => {
        if (d && isAlive(d.process)) {
          log(`stopping containerd ${d.version} (pid ${d.process.pid})`);
          await stopProcess(d.process, 10_000);
        }
      }),
    );
    await Promise.all(
      Object.entries(state.registries).map(async ([name, r]) => {
        if (r && isAlive(r)) {
          log(`stopping registry "${name}" (pid ${r.pid})`);
          await stopProcess(r);
        }
      }),
    );
    if (state.blackhole && isAlive(state.blackhole)) {
      log(`stopping the blackholed host (pid ${state.blackhole.pid})`);
      await stopProcess(state.blackhole);
    }
    if (state.silentHosts && isAlive(state.silentHosts)) {
      log(`stopping the silent hosts (pid ${state.silentHosts.pid})`);
      await stopProcess(state.silentHosts);
    }
    if (state.redirectMirror && isAlive(state.redirectMirror)) {
      log(`stopping the redirecting mirrors (pid ${state.redirectMirror.pid})`);
      await stopProcess(state.redirectMirror);
    }
    if (state.tokenServer && isAlive(state.tokenServer)) {
      log(`stopping the token server (pid ${state.tokenServer.pid})`);
      await stopProcess(state.tokenServer);
    }
    if (state.statusMirrors && isAlive(state.statusMirrors)) {
      log(`stopping the mirrors that answer 429, 503, blob 404 and a web page (pid ${state.statusMirrors.pid})`);
      await stopProcess(state.statusMirrors);
    }
  }
  for (const m of mountsUnder(opts.dir)) {
    log(`unmounting ${m}`);
    await execa('umount', ['-l', m], { reject: false });
  }
  if (state?.createdRunContainerd && existsSync(RUN_CONTAINERD) && readdirSync(RUN_CONTAINERD).length === 0) {
    rmdirSync(RUN_CONTAINERD);
  }
  if (existsSync(opts.dir)) {
    log(`removing ${opts.dir}`);
    rmSync(opts.dir, { recursive: true, force: true });
  }
}

export interface ProcessStatus {
  name: string;
  pid: number;
  alive: boolean;
  detail: string;
}

export function labStatus(opts: LabOptions): { up: boolean; scenario?: string; logLevel?: LabLogLevel; processes: ProcessStatus[] } {
  const state = readState(opts.dir);
  if (!state) return { up: false, processes: [] };
  const processes: ProcessStatus[] = [
    ...Object.entries(state.registries).map(([name, r]) => ({
      name: `registry-${name}`,
      pid: r!.pid,
      alive: isAlive(r!),
      detail: r!.url,
    })),
    ...(state.blackhole ? [{ name: 'blackhole', pid: state.blackhole.pid, alive: isAlive(state.blackhole), detail: `127.0.0.1:${state.ports.blackhole}` }] : []),
    ...(state.silentHosts ? [{ name: 'silent-hosts', pid: state.silentHosts.pid, alive: isAlive(state.silentHosts), detail: `127.0.0.1:${state.ports.silent} 127.0.0.1:${state.ports.bodyStall}` }] : []),
    ...(state.redirectMirror
      ? [{ name: 'redirect-mirror', pid: state.redirectMirror.pid, alive: isAlive(state.redirectMirror), detail: `127.0.0.1:${Object.values(state.ports.redirect.mirrors).join(',')}` }]
      : []),
    ...(state.tokenServer ? [{ name: 'token-server', pid: state.tokenServer.pid, alive: isAlive(state.tokenServer), detail: `127.0.0.1:${state.ports.tokenServer}` }] : []),
    ...(state.statusMirrors ? [{ name: 'status-mirrors', pid: state.statusMirrors.pid, alive: isAlive(state.statusMirrors), detail: `127.0.0.1:${state.ports.rateLimited} 127.0.0.1:${state.ports.unavailable} 127.0.0.1:${state.ports.blobless} 127.0.0.1:${state.ports.webPage}` }] : []),
    ...Object.values(state.daemons).map((d) => ({
      name: `containerd-${d!.version}`,
      pid: d!.process.pid,
      alive: isAlive(d!.process),
      detail: `${d!.packageVersion} ${d!.address}`,
    })),
  ];
  return { up: processes.length > 0 && processes.every((p) => p.alive), scenario: state.scenario, logLevel: state.logLevel ?? DEFAULT_LAB_LOG_LEVEL, processes };
}

/** What scripts and tests need to talk to the lab, as plain data. */
export function labEnv(state: LabState): Record<string, string> {
  const scenario = findScenario(state.scenario);
  const env: Record<string, string> = {
    MD_LAB_DIR: state.dir,
    MD_LAB_SCENARIO: state.scenario,
    MD_LAB_LOG_LEVEL: state.logLevel ?? DEFAULT_LAB_LOG_LEVEL,
    MD_LAB_REF: scenario ? atPorts(scenario, state.ports).ref : '',
    MD_LAB_HOSTS_DIR: state.hostsDir,
    MD_LAB_CA: state.caCert,
    MD_LAB_MIRROR_URL: `http://127.0.0.1:${state.ports.mirror}`,
    MD_LAB_EMPTY_URL: `http://127.0.0.1:${state.ports.empty}`,
    MD_LAB_REFUSED_URL: `http://127.0.0.1:${state.ports.refused}`,
    MD_LAB_TLS_URL: `https://127.0.0.1:${state.ports.tls}`,
    MD_LAB_AUTH_URL: `http://127.0.0.1:${state.ports.auth}`,
    MD_LAB_BLACKHOLE_URL: `https://127.0.0.1:${state.ports.blackhole}`,
    MD_LAB_SILENT_ADDR: `127.0.0.1:${state.ports.silent}`,
    MD_LAB_BODY_STALL_URL: `http://127.0.0.1:${state.ports.bodyStall}`,
    MD_LAB_REDIRECT_MIRROR_URL: `http://127.0.0.1:${state.ports.redirect.mirrors.served}`,
    MD_LAB_RATE_LIMITED_URL: `http://127.0.0.1:${state.ports.rateLimited}`,
    MD_LAB_UNAVAILABLE_URL: `http://127.0.0.1:${state.ports.unavailable}`,
    MD_LAB_BLOBLESS_URL: `http://127.0.0.1:${state.ports.blobless}`,
    MD_LAB_WEB_PAGE_URL: `http://127.0.0.1:${state.ports.webPage}`,
    MD_LAB_AUTH_USER: `${LAB_AUTH.user}:${LAB_AUTH.password}`,
    MD_LAB_VERSIONS: Object.keys(state.daemons).join(' '),
  };
  for (const d of Object.values(state.daemons)) {
    if (!d) continue;
    const k = d.version.replace('.', '_');
    env[`MD_LAB_CTR_${k}`] = d.ctr;
    env[`MD_LAB_CONTAINERD_${k}`] = d.containerd;
    env[`MD_LAB_ADDRESS_${k}`] = d.address;
    env[`MD_LAB_CONFIG_${k}`] = d.config;
    env[`MD_LAB_LOG_${k}`] = d.log;
    env[`MD_LAB_PACKAGE_${k}`] = d.packageVersion;
  }
  for (const [name, r] of Object.entries(state.registries)) {
    if (r) env[`MD_LAB_REGISTRY_LOG_${name.toUpperCase().replace(/-/g, '_')}`] = labPaths(state.dir).registry(name).log;
  }
  return env;
}

export { SCENARIOS };
