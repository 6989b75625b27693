import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_LAB_LOG_LEVEL, defaultLabOptions, LAB_VERSIONS, parseLabLogLevel, type LabOptions, type LabVersion } from './layout.js';
import { labDown, labEnv, labScenario, labStatus, labUp, readState } from './lab.js';
import { REDIRECT_SCENARIOS, SCENARIOS, SILENCE_SCENARIOS } from './scenarios.js';

/** Every scenario `lab scenario` accepts (the silent-mirror ones last: their pulls wait for minutes). */
const ALL = [...SCENARIOS, ...REDIRECT_SCENARIOS, ...SILENCE_SCENARIOS];
import { labPull } from './pull.js';
import { shellJoin, shellQuote } from '../shell-quote.js';
import { exitCodesHelp, UsageError, usageErrorText } from '../errors.js';
import { oneLineUsageErrors } from '../commander-errors.js';

/** What each lab command that starts, stops or pulls does as root (a normal user can only read the lab's state). */
const NEEDS_ROOT: Record<string, string> = {
  up: 'starts containerd daemons and registries',
  down: "stops the lab's containerd daemons and registries and removes its folder",
  scenario: "rewrites the lab's files and restarts its daemons",
  pull: "pulls with the lab's containerd daemons",
  'record-fixtures': "pulls with the lab's containerd daemons",
};

/** Refuses, before anything is done, a lab command that needs root when not run as root. */
function refuseWithoutRoot(name: string, args: string[]): void {
  if (!(name in NEEDS_ROOT) || process.getuid?.() === 0) return;
  throw new UsageError(`lab ${name} ${NEEDS_ROOT[name]} and needs root; nothing was done`, `run: sudo ${shellJoin(['mirror-doctor', 'lab', ...args])}`);
}

const log = (line: string) => process.stderr.write(`lab: ${line}\n`);

function options(o: { dir?: string; portBase?: string; versions?: string; logLevel?: string }): LabOptions {
  // commander reads MIRROR_DOCTOR_LAB_LOG_LEVEL into o.logLevel itself (where the command has the option)
  const d = defaultLabOptions({ ...process.env, MIRROR_DOCTOR_LAB_LOG_LEVEL: '' });
  const logLevel = o.logLevel !== undefined ? parseLabLogLevel(o.logLevel, '--log-level (or MIRROR_DOCTOR_LAB_LOG_LEVEL)') : undefined;
  const versions = o.versions ? o.versions.split(',').map((v) => v.trim()) : d.versions;
  for (const v of versions) {
    if (!(LAB_VERSIONS as readonly string[]).includes(v)) throw new Error(`unknown containerd version "${v}"; the lab has ${LAB_VERSIONS.join(', ')}`);
  }
  const portBase = o.portBase ? Number(o.portBase) : d.portBase;
  if (!Number.isInteger(portBase) || portBase < 1024 || portBase > 65000) throw new Error(`--port-base must be a number from 1024 to 65000, not "${o.portBase}"`);
  return { ...d, ...(o.dir ? { dir: o.dir } : {}), portBase, versions: versions as LabVersion[], ...(logLevel ? { logLevel } : {}) };
}

/** `mirror-doctor lab …`: up, down, status, env, scenarios, scenario NAME, pull. */
export async function runLabCli(args: string[]): Promise<number> {
  const program = new Command('mirror-doctor lab')
    .description('A lab of real containerd 1.6/1.7/2.x daemons and registries on 127.0.0.1, for tests and demos (root only)')
    .exitOverride()
    .addHelpText('after', `\n${exitCodesHelp('lab status: the lab is not (fully) up; lab pull: a pull failed')}`)
    .hook('preAction', (_program, action) => refuseWithoutRoot(action.name(), args));
  const common = (c: Command) =>
    c
      .addOption(new Option('--dir <dir>', 'lab folder').env('MIRROR_DOCTOR_LAB_DIR'))
      .addOption(new Option('--port-base <n>', 'first port on 127.0.0.1 (uses base+1 … base+25)').env('MIRROR_DOCTOR_LAB_PORT_BASE'))
      .addOption(new Option('--versions <list>', `containerd versions, comma separated (${LAB_VERSIONS.join(',')})`).env('MIRROR_DOCTOR_LAB_VERSIONS'));
  /** for the commands that start daemons */
  const levelOption = (c: Command) =>
    c.addOption(
      new Option('--log-level <level>', `the daemons' log level: info (containerd's default, as on nodes: --config alone) or debug (default: the running lab's, else ${DEFAULT_LAB_LOG_LEVEL}); a change restarts them`).env(
        'MIRROR_DOCTOR_LAB_LOG_LEVEL',
      ),
    );

  levelOption(common(program.command('up')))
    .description('start registries and containerd daemons and apply a scenario (idempotent)')
    .option('--scenario <name>', 'scenario to apply (default: the current one, else mirror-ok)')
    .action(async (o) => {
      const state = await labUp(options(o), o.scenario, log);
      log(`up: scenario "${state.scenario}", ${Object.keys(state.daemons).length} containerd daemons; \`lab env\` prints their sockets`);
    });
  common(program.command('down'))
    .description('stop everything the lab started (by PID) and remove the lab folder (idempotent)')
    .action(async (o) => {
      await labDown(options(o), log);
    });
  common(program.command('status'))
    .description('show the lab processes and whether they run')
    .option('--json', 'print JSON')
    .action((o) => {
      const s = labStatus(options(o));
      if (o.json) process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
      else if (s.processes.length === 0) process.stdout.write('lab is down\n');
      else {
        process.stdout.write(`lab is ${s.up ? 'up' : 'partly up'}, scenario "${s.scenario}", log level ${s.logLevel}\n`);
        for (const p of s.processes) process.stdout.write(`  ${p.alive ? 'running' : 'stopped'}  ${p.name.padEnd(16)} pid ${String(p.pid).padEnd(8)} ${p.detail}\n`);
      }
      process.exitCode = s.up ? 0 : 1;
    });
  common(program.command('env'))
    .description('print sockets, ctr paths and folders as shell variables (or JSON)')
    .option('--json', 'print JSON')
    .action((o) => {
      const opts = options(o);
      const state = readState(opts.dir);
      if (!state) throw new Error(`no lab is up in ${opts.dir}; run \`lab up\``);
      const env = labEnv(state);
      if (o.json) process.stdout.write(`${JSON.stringify(env, null, 2)}\n`);
      else for (const [k, v] of Object.entries(env)) process.stdout.write(`${k}=${shellQuote(v)}\n`);
    });
  program
    .command('scenarios')
    .description('list the scenarios')
    .option('--json', 'print JSON')
    .action((o) => {
      if (o.json) {
        process.stdout.write(`${JSON.stringify(ALL.map(({ name, summary, whatHappens, ref, cri }) => ({ name, summary, whatHappens, ref, cri: cri ?? { configPath: 'set' } })), null, 2)}\n`);
        return;
      }
      const w = Math.max(...ALL.map((s) => s.name.length));
      for (const s of ALL) process.stdout.write(`${s.name.padEnd(w)}  ${s.summary}\n${' '.repeat(w)}  → ${s.whatHappens}\n`);
    });
  levelOption(common(program.command('scenario')))
    .description('switch the running lab to another scenario')
    .argument('<name>', 'scenario name (see `lab scenarios`)')
    .action(async (name: string, o) => {
      await labScenario(options(o), name, log);
    });
  common(program.command('pull'))
    .description('pull the scenario image with each containerd version through ctr --hosts-dir and show which registry served it')
    .action(async (o) => {
      process.exitCode = await labPull(options(o), (l) => process.stdout.write(`${l}\n`));
    });

  levelOption(common(program.command('record-fixtures')))
    .description('record real ctr and daemon output for every scenario and version into a folder (at --log-level info: CRI pulls, and transfer-service ctr pulls on 2.x)')
    .option('--out <dir>', 'output folder (default: test/fixtures/lab, at --log-level info test/fixtures/lab-info)')
    .option('--only <names>', 'comma-separated scenario names')
    .action(async (o) => {
      // the output folder follows the level: here unset means the default, not the running lab's
      const opts: LabOptions = { ...options(o), logLevel: options(o).logLevel ?? DEFAULT_LAB_LOG_LEVEL };
      const only = o.only ? String(o.only).split(',') : undefined;
      if (opts.logLevel === 'info') {
        const { recordInfoFixtures, INFO_FIXTURES_DIR } = await import('./record-info-fixtures.js');
        const out = o.out ?? INFO_FIXTURES_DIR;
        const n = await recordInfoFixtures(opts, out, only, log);
        log(`recorded ${n} pulls at info level into ${out}`);
        return;
      }
      const { recordFixtures } = await import('./record-fixtures.js');
      const out = o.out ?? 'test/fixtures/lab';
      const n = await recordFixtures({ ...opts, logLevel: 'debug' }, out, only, log);
      log(`recorded ${n} pulls into ${out}`);
    });

  oneLineUsageErrors(program);
  try {
    await program.parseAsync(args, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof UsageError) {
      process.stderr.write(usageErrorText(err));
      return 2;
    }
    process.stderr.write(`lab: ${(err as Error).message}\n`);
    return 2;
  }
}
