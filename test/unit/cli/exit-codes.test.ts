/**
 * One exit-code table for every command (README "Exit codes", src/errors.ts EXIT): each command,
 * through main(), in each outcome it can reach — ok 0, problems found 1, usage error 2,
 * interrupted 130, bug 70 — and its --help showing the table. The effects are replaced where a
 * command needs a node: check's facts are a recorded lab node, trace's pulls a recorded lab run,
 * the demo's lab and walkthrough stand-ins; the checks, the trace comparison and the parsing are
 * real. An outcome a command cannot reach is listed with the reason, so the table stays complete.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolve } from 'node:path';
import { buildProgram, main } from '../../../src/cli/main.js';
import { exitCodesHelp } from '../../../src/errors.js';
import type { TraceRun } from '../../../src/trace/run-schema.js';
import { captureCliOutput } from '../../helpers/capture-output.js';
import { labFacts, labTraceRun, LAB } from '../../helpers/facts-fixture.js';

/** What the stand-ins do in the current row. */
const stage = vi.hoisted(() => ({
  facts: null as null | (() => Promise<unknown>),
  trace: null as null | (() => Promise<TraceRun>),
  demoWalkthrough: null as null | (() => Promise<number>),
}));

vi.mock('../../../src/probe/facts.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/probe/facts.js')>();
  return { ...real, gatherFacts: (...a: Parameters<typeof real.gatherFacts>) => (stage.facts ? stage.facts() : real.gatherFacts(...a)) };
});
vi.mock('../../../src/probe/tracer.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/probe/tracer.js')>();
  return {
    ...real,
    ctrVersions: async () => ({ client: '1.7.24', server: '1.7.24', error: null }),
    trace: (...a: Parameters<typeof real.trace>) => (stage.trace ? stage.trace() : real.trace(...a)),
  };
});
vi.mock('../../../src/cli/tui.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/cli/tui.js')>();
  return { ...real, runTuiCommand: (...a: Parameters<typeof real.runTuiCommand>) => (stage.demoWalkthrough ? stage.demoWalkthrough() : real.runTuiCommand(...a)) };
});
vi.mock('../../../src/lab/lab.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/lab/lab.js')>();
  return {
    ...real,
    labUp: async () => ({ daemons: { '1.7': { address: '/run/lab-1.7.sock', ctr: '/lab/ctr' } } }),
    labDown: async () => undefined,
  };
});

const cli = captureCliOutput();
const run = (...args: string[]) => main(['node', 'mirror-doctor', ...args]);
const REF = 'docker.io/library/mirror-doctor-demo:1.0';
const LOG_OK = resolve(LAB, '1.7/mirror-ok/ctr-hosts-dir/stderr.txt');
const LOG_FAILED = resolve(LAB, '1.7/mirror-404/ctr-hosts-dir/stderr.txt');
const REPORTS = resolve(__dirname, '../../fixtures/fleet/reports');

afterEach(() => {
  stage.facts = null;
  stage.trace = null;
  stage.demoWalkthrough = null;
});

/** Makes the next line written to stdout throw, as a bug in the command would. */
function bugOnOutput(): void {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => {
    throw new TypeError("Cannot read properties of undefined (reading 'hosts')");
  });
}

/** Sends SIGINT to this process while the stand-in runs (the command's handler catches it), then returns `v`. */
async function interruptedWith<T>(v: T): Promise<T> {
  process.emit('SIGINT', 'SIGINT');
  return v;
}

const asRoot = () => vi.spyOn(process, 'getuid').mockReturnValue(0);
const asUser = () => vi.spyOn(process, 'getuid').mockReturnValue(1000);

type Row = { args: string[]; before?: () => void } | { na: string };
type Outcome = 'ok' | 'problems' | 'usage' | 'interrupted' | 'bug';
const CODE: Record<Outcome, number> = { ok: 0, problems: 1, usage: 2, interrupted: 130, bug: 70 };

/** Off a terminal (as here) tui prints check's output, so it has check's rows. */
const checkRows = (cmd: 'check' | 'tui'): Record<Outcome, Row> => ({
  ok: { args: [cmd, REF], before: () => void (stage.facts = () => labFacts('1.7', 'mirror-ok')) },
  problems: { args: [cmd, REF], before: () => void (stage.facts = () => labFacts('1.7', 'mirror-404')) },
  usage: { args: [cmd, REF, '--timeout', 'soon'] },
  interrupted: { args: [cmd, REF], before: () => void (stage.facts = async () => interruptedWith(await labFacts('1.7', 'mirror-ok'))) },
  bug: { args: [cmd, REF], before: () => ((stage.facts = () => labFacts('1.7', 'mirror-ok')), bugOnOutput()) },
});

const SIGNAL_DEFAULT = 'nothing to clean up: Ctrl-C ends it by the default action, which the shell reports as 130';

const TABLE: Record<string, Record<Outcome, Row>> = {
  check: checkRows('check'),
  tui: checkRows('tui'),
  trace: {
    ok: { args: ['trace', REF, '--address', '/nonexistent/containerd.sock'], before: () => void (stage.trace = async () => labTraceRun('1.7', 'mirror-ok')) },
    problems: { args: ['trace', REF, '--address', '/nonexistent/containerd.sock'], before: () => void (stage.trace = async () => labTraceRun('1.7', 'mirror-404')) },
    usage: { args: ['trace', 'Nginx:lat est'] },
    interrupted: { args: ['trace', REF, '--address', '/nonexistent/containerd.sock'], before: () => void (stage.trace = () => interruptedWith(labTraceRun('1.7', 'mirror-404'))) },
    bug: { args: ['trace', REF, '--address', '/nonexistent/containerd.sock'], before: () => ((stage.trace = async () => labTraceRun('1.7', 'mirror-ok')), bugOnOutput()) },
  },
  demo: {
    ok: { args: ['demo', '--scenario', 'mirror-ok'], before: () => (asRoot(), (stage.demoWalkthrough = async () => 0)) },
    problems: { args: ['demo'], before: () => (asRoot(), (stage.demoWalkthrough = async () => 1)) },
    usage: { args: ['demo'], before: () => void asUser() },
    interrupted: { args: ['demo'], before: () => (asRoot(), (stage.demoWalkthrough = async () => 130)) },
    bug: {
      args: ['demo'],
      before: () => (
        asRoot(),
        (stage.demoWalkthrough = async () => {
          throw new TypeError('x is undefined');
        })
      ),
    },
  },
  parse: {
    ok: { args: ['parse', LOG_OK] },
    problems: { args: ['parse', LOG_FAILED] },
    usage: { args: ['parse', '/nonexistent/ctr-output.txt'] },
    interrupted: { na: SIGNAL_DEFAULT },
    bug: { args: ['parse', LOG_OK], before: bugOnOutput },
  },
  explain: {
    ok: { args: ['explain', REF, '--root', resolve(__dirname, '../../fixtures/nodes/mirror-ok'), '--containerd-version', '1.7.24'] },
    problems: { na: 'explain says what containerd would do; check judges it' },
    usage: { args: ['explain', 'Nginx:lat est'] },
    interrupted: { na: SIGNAL_DEFAULT },
    bug: { args: ['explain', REF, '--root', resolve(__dirname, '../../fixtures/nodes/mirror-ok')], before: bugOnOutput },
  },
  checks: {
    ok: { args: ['checks', 'config-path-unset'] },
    problems: { na: 'it prints documentation' },
    usage: { args: ['checks', 'config-path-unst'] },
    interrupted: { na: SIGNAL_DEFAULT },
    bug: { args: ['checks'], before: bugOnOutput },
  },
  'fleet collect': {
    ok: { args: ['fleet', 'collect', `${REPORTS}/node-01.json`, `${REPORTS}/node-02.json`] },
    problems: { args: ['fleet', 'collect', `${REPORTS}/node-01.json`, `${REPORTS}/node-05.json`] },
    usage: { args: ['fleet', 'collect', '/nonexistent/report.json'] },
    interrupted: { na: SIGNAL_DEFAULT },
    bug: { args: ['fleet', 'collect', `${REPORTS}/node-01.json`], before: bugOnOutput },
  },
  'fleet manifest': {
    ok: { args: ['fleet', 'manifest'] },
    problems: { na: 'it prints YAML; fleet collect judges the reports' },
    usage: { args: ['fleet', 'manifest', '--kind', 'pod'] },
    interrupted: { na: SIGNAL_DEFAULT },
    bug: { args: ['fleet', 'manifest'], before: bugOnOutput },
  },
  lab: {
    ok: { args: ['lab', 'scenarios'] },
    problems: { args: ['lab', 'status', '--dir', '/nonexistent/md-lab'] },
    usage: { args: ['lab', 'down', '--dir', '/nonexistent/md-lab'], before: () => void asUser() },
    interrupted: { na: "lab up and down run to the end of a step; Ctrl-C ends it by the default action (130), `lab down` stops what was started" },
    bug: { na: "every lab failure is the machine's (a port taken, a daemon that will not start): reported as 2 with its reason" },
  },
  '(unknown command)': {
    ok: { na: 'not a command' },
    problems: { na: 'not a command' },
    usage: { args: ['chek'] },
    interrupted: { na: 'not a command' },
    bug: { na: 'not a command' },
  },
};

describe.each(Object.entries(TABLE))('%s', (name, rows) => {
  for (const [outcome, row] of Object.entries(rows) as Array<[Outcome, Row]>) {
    if ('na' in row) continue; // the reason stands in the table
    it(`${outcome}: exit ${CODE[outcome]}`, async () => {
      row.before?.();
      const code = await run(...row.args);
      expect(code, cli.err).toBe(CODE[outcome]);
      if (outcome === 'usage') {
        // one line saying what is wrong, and at most a hint
        expect(cli.err.trim().split('\n').length, cli.err).toBeLessThanOrEqual(2);
        expect(cli.err).toMatch(/^mirror-doctor: /);
      }
      if (outcome === 'bug') expect(cli.err).toMatch(/^mirror-doctor: internal error: .*\n {2}This is a bug in mirror-doctor/m);
      // the demo's walkthrough stand-in returns the code; the others caught the signal themselves
      if (outcome === 'interrupted' && name !== 'demo') expect(cli.err).toContain('mirror-doctor: SIGINT: stopping');
    });
  }
});

describe('the table', () => {
  it('has a row for every command', () => {
    const program = buildProgram();
    const names = program.commands.flatMap((c) => (c.commands.length ? c.commands.map((s) => `${c.name()} ${s.name()}`) : [c.name()]));
    expect(Object.keys(TABLE).filter((n) => !n.startsWith('(')).sort()).toEqual(names.sort());
  });
});

describe('every --help shows the table', () => {
  it.each([['check'], ['tui'], ['trace'], ['demo'], ['parse'], ['explain'], ['checks'], ['fleet', 'collect'], ['fleet', 'manifest'], ['lab', '--help']])('%s', async (...cmd) => {
    expect(await run(...cmd, ...(cmd.includes('--help') ? [] : ['--help']))).toBe(0);
    expect(cli.out).toContain('Exit codes (the same for every command):');
    expect(cli.out).toMatch(/\n {2}1 {9}(problems found: |not used \()/);
    expect(cli.out).toContain('  130, 143  interrupted by Ctrl-C');
  });

  it('the program help too, and each line says the same as every other command', async () => {
    expect(await run('--help')).toBe(0);
    const table = exitCodesHelp('x').split('\n').filter((l) => !l.startsWith('  1 '));
    for (const line of table) expect(cli.out).toContain(line);
  });
});

describe('an unknown command or option: one line and where to look, not the whole help', () => {
  it.each([
    [['chek'], "mirror-doctor: unknown command 'chek' (did you mean check?)\n  see mirror-doctor --help\n"],
    [['fleet', 'colect'], "mirror-doctor: unknown command 'colect' (did you mean collect?)\n  see mirror-doctor fleet --help\n"],
    [['parse', 'x', '--jsn'], "mirror-doctor: unknown option '--jsn' (did you mean --json?)\n  see mirror-doctor parse --help\n"],
    [['lab', 'dwn'], "mirror-doctor: unknown command 'dwn' (did you mean down?)\n  see mirror-doctor lab --help\n"],
  ])('%j', async (args, err) => {
    expect(await run(...args)).toBe(2);
    expect(cli.err).toBe(err);
    expect(cli.out).toBe('');
  });
});

describe('lab as a normal user', () => {
  it.each([['down'], ['up', '--scenario', 'mirror-404'], ['scenario', 'mirror-ok'], ['pull']])('lab %s is refused before anything is done, with the command to run as root', async (...args) => {
    asUser();
    expect(await run('lab', ...args, '--dir', '/tmp/a lab')).toBe(2);
    expect(cli.err).toMatch(new RegExp(`^mirror-doctor: lab ${args[0]} .* and needs root; nothing was done\\n {2}run: sudo mirror-doctor lab ${args.join(' ')} --dir '/tmp/a lab'\\n$`));
  });

  it('lab status and scenarios need no root', async () => {
    asUser();
    expect(await run('lab', 'scenarios')).toBe(0);
    expect(await run('lab', 'status', '--dir', '/nonexistent/md-lab')).toBe(1);
  });
});
