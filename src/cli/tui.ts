/**
 * `mirror-doctor tui [ref]` (and `mirror-doctor` alone): the interactive walkthrough. Takes the
 * options of `check`; when stdout is not a terminal (or with --json) it prints `check`'s output
 * instead. Here live the walkthrough's effects: detecting the setup, gathering, the report file,
 * the clipboard and the recent refs; ink and react are loaded only once a terminal is there.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { execa } from 'execa';
import { detectedSetup } from '../session/detected-setup.js';
import { runChecks } from '../checks/run.js';
import { defaultRefFor } from '../probe/checked-ref.js';
import { gatherFacts, type GatherDeps } from '../probe/facts.js';
import { collectConfigSecrets } from '../report/redact-config.js';
import { renderReportMarkdown } from '../report/report-markdown.js';
import type { PullClient } from '../checks/facts.js';
import { prepareCheck, runCheck, type CheckCliOptions } from './check.js';
import { OutputExistsError, writeOwnerOnly } from './output-files.js';
import type { TuiServices } from '../tui/controller.js';

export interface TuiIo {
  isTTY?: boolean;
  env?: NodeJS.ProcessEnv;
  deps?: GatherDeps;
  /** where `s` writes reports (default: the current directory) */
  cwd?: string;
}

const RECENT_MAX = 10;

function recentFile(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_STATE_HOME || path.join(env.HOME || homedir(), '.local', 'state');
  return path.join(base, 'mirror-doctor', 'recent-refs.json');
}

export function readRecentRefs(env: NodeJS.ProcessEnv = process.env): string[] {
  try {
    const list = JSON.parse(readFileSync(recentFile(env), 'utf8')) as unknown;
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string').slice(0, RECENT_MAX) : [];
  } catch {
    return [];
  }
}

export function rememberRef(ref: string, env: NodeJS.ProcessEnv = process.env): void {
  try {
    const file = recentFile(env);
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeOwnerOnly('recent refs', file, `${JSON.stringify([ref, ...readRecentRefs(env).filter((r) => r !== ref)].slice(0, RECENT_MAX))}\n`);
  } catch {
    /* recent refs are a convenience */
  }
}

const CLIPBOARD: Array<[string, string[]]> = [
  ['wl-copy', []],
  ['xclip', ['-selection', 'clipboard']],
  ['xsel', ['--clipboard', '--input']],
  ['pbcopy', []],
];

async function copyToClipboard(text: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  for (const [cmd, args] of CLIPBOARD) {
    if (cmd === 'wl-copy' && !env.WAYLAND_DISPLAY) continue;
    if ((cmd === 'xclip' || cmd === 'xsel') && !env.DISPLAY) continue;
    const r = await execa(cmd, args, { input: text, reject: false, timeout: 3000 });
    if (r.exitCode === 0) return true;
  }
  return false;
}

/** Writes the report under a new name in `dir` (mirror-doctor-report-<time>[-N].md), never over a file there. */
function saveUnderNewName(dir: string, now: Date, text: string): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  for (let i = 1; ; i++) {
    const file = path.join(dir, `mirror-doctor-report-${stamp}${i > 1 ? `-${i}` : ''}.md`);
    try {
      writeOwnerOnly('the report', file, text, { replace: false });
      return file;
    } catch (e) {
      if (!(e instanceof OutputExistsError) || i >= 100) throw e;
    }
  }
}

/** The effects of the walkthrough for one set of `check` options. */
export function tuiServices(o: CheckCliOptions, io: TuiIo = {}): TuiServices {
  const env = io.env ?? process.env;
  const deps = io.deps ?? {};
  const base = prepareCheck(undefined, o);
  return {
    async detect(signal) {
      // everything but the pulls: versions, distribution, socket, config, hosts folders
      const facts = await gatherFacts({ ...base.gather, env, signal }, { ...deps, runTrace: async () => Promise.reject(new Error('not run while detecting')) });
      const setup = detectedSetup(facts);
      const choices = [...new Set([...(facts.ref.source !== 'default' ? [facts.ref.input] : []), ...setup.registries.map(defaultRefFor), ...readRecentRefs(env)])];
      return { setup, choices };
    },
    async gather(ref, callbacks, signal, client) {
      const { gather } = prepareCheck(ref, { ...o, ...(client ? { client } : {}) });
      return gatherFacts({ ...gather, env, signal, ...callbacks }, deps);
    },
    check: (facts) => runChecks(facts, { ignore: base.ignore, strict: !!o.strict }),
    async saveReport(facts, outcome) {
      const text = renderReportMarkdown({ facts, outcome, ignored: base.ignore, strict: !!o.strict }, collectConfigSecrets(facts.snapshot));
      if (base.report === null) return saveUnderNewName(io.cwd ?? process.cwd(), new Date(), text);
      writeOwnerOnly('--report', base.report, text);
      return base.report;
    },
    copy: (text) => copyToClipboard(text, env),
    remember: (ref) => rememberRef(ref, env),
  };
}

export async function runTuiCommand(ref: string | undefined, o: CheckCliOptions, extra: string[] = [], io: TuiIo = {}): Promise<number> {
  const tty = io.isTTY ?? (!!process.stdout.isTTY && !!process.stdin.isTTY);
  if (!tty || o.json) return runCheck(ref, o, extra);
  prepareCheck(ref, o, extra); // usage errors before the terminal is taken over
  const env = io.env ?? process.env;
  const services = tuiServices(o, io);
  // Ink draws nothing until it exits when CI or CONTINUOUS_INTEGRATION is set (is-in-ci, read
  // when ink is first imported); on a real terminal the user asked for the walkthrough, so draw it
  for (const k of ['CI', 'CONTINUOUS_INTEGRATION']) delete process.env[k];
  const { runTui } = await import('../tui/run-tui.js');
  return runTui({ ...(ref !== undefined ? { ref } : {}), ...(o.client !== undefined ? { client: o.client as PullClient } : {}), services, strict: !!o.strict, color: !env.NO_COLOR && env.TERM !== 'dumb' });
}
