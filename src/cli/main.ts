import { Command, CommanderError } from 'commander';
import { DEBUG_ENV, EXIT, exitCodesHelp, failure } from '../errors.js';
import { oneLineUsageErrors } from '../commander-errors.js';
import { setInvocation } from './invocation.js';
import { addFleetManifestCommand } from './fleet-manifest.js';
import { VERSION } from '../version.js';
import { DEFAULT_NAMESPACE as FLEET_NAMESPACE, DEFAULT_SELECTOR as FLEET_SELECTOR } from '../fleet/kubernetes.js';

/** What exit code 1 means for check (and tui, demo, which show its verdict). */
const CHECK_PROBLEMS = 'an error finding (with --strict: or a warning)';
/** What exit code 1 means for trace (src/trace/run-problems.ts). */
const TRACE_PROBLEMS = 'a pull that reads the hosts folder (ctr --hosts-dir, CRI) failed, or every mirror it tried failed';

// Kept here (not imported from ./explain.js) so that building the program stays cheap.
const EXPLAIN_HELP_TEXT = `
explain examples (every option):
  $ mirror-doctor explain docker.io/library/nginx:latest
  $ mirror-doctor explain nginx --containerd-version 1.7.24
  $ mirror-doctor explain docker.io/library/busybox:latest --hosts-dir /etc/containerd/certs.d
  $ mirror-doctor explain registry.local:5000/app:1.0 --root ./node-copy --config /etc/containerd/config.toml
  $ mirror-doctor explain docker.io/library/nginx:latest --containerd-version 2.1.9 --json
`;

/** The options of the real pulls, shared by `trace` and `check` (and the TUI, which copies check's). */
function withPullOptions(c: Command): Command {
  return c
    .option('--namespace <ns>', 'throw-away namespace for the ctr pulls (default: mirror-doctor-<random>; must not exist)')
    .option('--timeout <seconds>', 'give up a pull after this long', '60')
    .option('--stall <seconds>', 'stop a pull whose connection to a host has not completed, or that is connected but has had no answer, after this long (a silent host)', '2')
    .option('--response-timeout <seconds>', 'stop a pull that is connected but has had no answer for this long (default: the --stall value; raise it for a slow pull-through cache)')
    .option('--full', 'follow every pull to the end instead of stopping once the verdict is decided')
    .option('--no-cri', 'skip the CRI pull')
    .option('--daemon-log <file|-|none>', "containerd's log (default: found from the daemon's process: its log file, or journalctl -u UNIT); - reads it from standard input, none reads none");
}

/**
 * Builds the command tree. Each subcommand lives in its own file and is
 * imported lazily inside its action, so `explain --json` never loads ink/react.
 */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('mirror-doctor')
    .description('Why is my containerd registry mirror ignored? Answers with evidence.')
    .version(VERSION)
    .exitOverride();

  program
    .command('lab')
    .description('Manage the built-in lab: real containerd 1.6/1.7/2.x and registries on 127.0.0.1')
    .argument('[args...]', 'lab subcommand and options (see `mirror-doctor lab help`)')
    .allowUnknownOption(true)
    .helpOption(false)
    .action(async (args: string[]) => {
      const { runLabCli } = await import('../lab/cli.js');
      process.exitCode = await runLabCli(args);
    });

  program
    .command('parse')
    .description('Turn ctr output and containerd daemon logs into a timeline and a verdict per pull')
    .argument('<file>', 'log file (plain or .gz; a pipe too), or - for standard input')
    .option('--json', 'print one mirror-doctor.trace/v1 document per pull (a JSON array)')
    .option('--ref <ref>', 'only pulls of this image (e.g. nginx:1.27 or docker.io/library/nginx:1.27)')
    .addHelpText(
      'after',
      `
Input (auto-detected, may be mixed): ctr [--debug] images pull [--http-trace] [--http-dump] output of
containerd 1.6, 1.7 and 2.x (local and transfer mode), containerd daemon logs as logrus text, behind
journalctl prefixes (short, short-iso), journalctl -o json, k3s/RKE2 containerd.log, and k0s's log
(containerd's lines inside k0s's own, component=containerd).
Secrets (Authorization, cookies, tokens, passwords, user:pass@) are redacted; bodies are never shown.
The text starts with a summary (pulls, verdicts, hosts), then each pull with its time and each error
once. Input without a single log line (empty, prose) is unusable (exit 2); a log without a pull is not.

${exitCodesHelp('a pull in the input failed')}
Examples:
  ctr --debug images pull --hosts-dir /etc/containerd/certs.d --http-dump docker.io/library/nginx:1.27 2>&1 | mirror-doctor parse -
  journalctl -u containerd --since -10min | mirror-doctor parse - --ref nginx:1.27
  mirror-doctor parse /var/lib/rancher/k3s/agent/containerd/containerd.log --json
  mirror-doctor parse containerd.log.gz --json > trace.json`,
    )
    .action(async (file: string, opts: { json?: boolean; ref?: string }) => {
      const { runParse } = await import('./parse.js');
      process.exitCode = await runParse(file, opts);
    });

  program
    .command('explain')
    .description("Say exactly what containerd would do for an image reference: hosts tried, in order, for ctr and CRI")
    .argument('<ref>', 'image reference, e.g. docker.io/library/nginx:latest')
    .option('--root <dir>', "the node's / (a copied node filesystem or a fixture): every path is read under it, its symlinks resolved as on the node", '/')
    .option('--config <file>', "containerd config.toml, read under --root (default: the distribution's (k3s, RKE2, MicroK8s, k0s), else /etc/containerd/config.toml)")
    .option('--hosts-dir <dir>', 'also plan `ctr images pull --hosts-dir <dir>`')
    .option('--containerd-version <version>', 'containerd version to emulate, e.g. 1.7.24 (default: detected, else 2.1.9 assumed)')
    .option('--json', 'print stable JSON (schema mirror-doctor.explain/v2)')
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .addHelpText('after', `${EXPLAIN_HELP_TEXT}\n${exitCodesHelp(null, 'explain says what containerd would do; check judges it')}`)
    .action(async (ref: string, opts: Record<string, unknown>, cmd: Command) => {
      const { runExplain } = await import('./explain.js');
      process.exitCode = await runExplain(ref, opts, cmd.args.slice(1));
    });
  program.addHelpText(
    'after',
    `
examples:
  $ mirror-doctor check                                   # the whole checklist on this node, root cause last
  $ mirror-doctor explain docker.io/library/nginx:latest  # what containerd would do with this node's files
  $ mirror-doctor trace nginx:1.27                        # real pulls: ctr without/with --hosts-dir and CRI, compared
  $ mirror-doctor parse ctr-output.txt                    # evidence from pasted ctr output or containerd logs
  $ sudo scripts/demo                                     # all of it on the built-in lab (real containerd)

\`mirror-doctor <command> --help\` lists every option of a command with examples.

${exitCodesHelp("what each command's --help says (check: an error finding)")}`,
  );

  withPullOptions(
    program
      .command('trace')
      .description('Run real pulls (ctr without and with --hosts-dir, and CRI as kubelet) and compare the paths')
      .argument('<ref>', 'image reference, e.g. docker.io/library/nginx:latest (CRI gets it as given)')
      .option('--ctr <path>', 'ctr binary', 'ctr')
      .option('--address <socket>', "containerd socket (default: the distribution's, else /run/containerd/containerd.sock)")
      .option('--hosts-dir <dir>', "hosts directory for the ctr --hosts-dir pull (default: config_path, else the distribution's, else /etc/containerd/certs.d)")
      .option('--config <file>', "containerd config.toml, for config_path and the restart check (default: the daemon's --config, the distribution's, else /etc/containerd/config.toml)"),
  )
    .option('--json', 'print the three traces and the comparison as JSON (mirror-doctor.trace-run/v1)')
    .option('--verbose', 'print every step (the ctr command lines, the clean-up) on stderr; otherwise a terminal shows one line of progress, updated in place, and no terminal none')
    .option('--save <dir>', 'keep the raw logs (redacted) and the JSON in DIR (mode 0600); DIR is created (0700) or must be a directory of yours, not a link')
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .addHelpText(
      'after',
      `
examples:
  $ mirror-doctor trace docker.io/library/nginx:latest
  $ mirror-doctor trace nginx:1.27 --hosts-dir /etc/containerd/certs.d --daemon-log /var/log/containerd.log
  $ mirror-doctor trace registry.local:5000/app:1.0 --address /run/k3s/containerd/containerd.sock --json
  $ mirror-doctor trace docker.io/library/busybox:latest --full --timeout 120 --save ./trace-out

${exitCodesHelp(TRACE_PROBLEMS)}`,
    )
    .action(async (ref: string, opts: Record<string, unknown>, cmd: Command) => {
      const { runTrace } = await import('./trace.js');
      process.exitCode = await runTrace(ref, opts, cmd.args.slice(1));
    });

  withPullOptions(
    program
      .command('check')
      .description('Why is my mirror ignored? Gather the facts, run every check, name the root cause')
      .argument('[ref]', 'image reference (default: the first registry in the hosts folders, else docker.io/library/busybox:latest)')
      .option('--root <dir>', "the node's / (a copied node filesystem; symlinks resolve under it as on the node); without --address this checks the files only", '/')
      .option('--config <file>', "containerd config.toml (default: the daemon's --config, the distribution's, else /etc/containerd/config.toml)")
      .option('--hosts-dir <dir>', 'hosts folder for the `ctr --hosts-dir` pull and the checks (default: config_path)')
      .option('--client <client>', 'the client you pulled with: cri (kubelet, crictl), ctr or nerdctl; the root cause follows what it reads (default: CRI as kubelet, compared with ctr; the TUI asks)')
      .option('--containerd-version <version>', 'containerd version to emulate (default: the daemon\'s, else `containerd --version`, else 2.1.9 assumed)')
      .option('--address <socket>', 'containerd socket (default: the distribution\'s, else /run/containerd/containerd.sock)')
      .option('--ctr <path>', 'ctr binary (default: ctr)'),
  )
    .option('--offline', 'no daemon calls and no pulls: check the files only (works on any machine)')
    .option('--json', 'print the report as JSON (schema mirror-doctor.report/v1)')
    .option('--report <file>', 'also write a report for a ticket: Markdown, or JSON when FILE ends in .json (mode 0600; replaces a regular file, never writes through a link)')
    .option('--save <dir>', 'keep facts.json, report.json, report.md and the raw logs, redacted, in DIR (mode 0600); DIR is created (0700) or must be a directory of yours, not a link')
    .option('--ignore <ids>', 'check ids to leave out, comma-separated (e.g. proxy-env-mismatch,ctr-namespace)')
    .option('--strict', 'warnings count as problems (exit code 1)')
    .option('--verbose', 'print every step (the ctr command lines, the clean-up) on stderr; otherwise a terminal shows one line of progress, updated in place, and no terminal none')
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .addHelpText(
      'after',
      `
Secrets (Authorization headers, tokens, config auth/password/identitytoken/header values) are
redacted from every output and report.

examples:
  $ mirror-doctor check
  $ mirror-doctor check docker.io/library/nginx:1.27 --report ticket.md
  $ mirror-doctor check registry.local:5000/app:1.0 --address /run/k3s/containerd/containerd.sock --json
  $ mirror-doctor check --root ./node-copy --offline --report report.json
  $ mirror-doctor check nginx --strict
  $ mirror-doctor check nginx --config /etc/containerd/config.toml --daemon-log /var/log/containerd.log
  $ mirror-doctor check --ignore proxy-env-mismatch,ctr-namespace --save ./check-out

${exitCodesHelp(CHECK_PROBLEMS)}`,
    )
    .action(async (ref: string | undefined, opts: Record<string, unknown>, cmd: Command) => {
      const { runCheck } = await import('./check.js');
      process.exitCode = await runCheck(ref, opts, cmd.args.slice(ref === undefined ? 0 : 1));
    });

  // ---- tui: the interactive walkthrough (also `mirror-doctor` alone); the same options as check
  const check = program.commands.find((c) => c.name() === 'check')!;
  const tui = program
    .command('tui')
    .description('Interactive walkthrough: detect the setup, pick an image, run the checks and pulls live, fix the root cause')
    .argument('[ref]', 'image reference (default: ask, offering the registries in the hosts folders and recent refs)')
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .addHelpText(
      'after',
      `
Keys: ↑↓ Enter choose · t trace per path · f fix steps · r re-run and re-check · s save the Markdown
report (mode 0600; --report FILE names it) · y copy the verdict · q or Ctrl-C quit · ? help.
When stdout is not a terminal (or with --json) this prints the output of \`mirror-doctor check\`.

examples:
  $ mirror-doctor
  $ mirror-doctor tui docker.io/library/nginx:1.27
  $ mirror-doctor tui --address /run/k3s/containerd/containerd.sock --report ticket.md

${exitCodesHelp(`the verdict on the screen when you quit: ${CHECK_PROBLEMS}; quitting before a verdict is 130`)}`,
    )
    .action(async (ref: string | undefined, opts: Record<string, unknown>, cmd: Command) => {
      const { runTuiCommand } = await import('./tui.js');
      process.exitCode = await runTuiCommand(ref, opts, cmd.args.slice(ref === undefined ? 0 : 1));
    });
  for (const option of check.options) tui.addOption(option);

  program
    .command('demo')
    .description('The whole tool on a built-in lab (real containerd and registries on 127.0.0.1) with a broken setup; needs root')
    .option('--scenario <name>', 'which broken setup (default: demo; --list shows all)')
    .option('--list', 'list the scenarios')
    .option('--containerd-version <version>', 'which lab containerd to examine: 1.6, 1.7 or 2.1', '1.7')
    .option('--keep', 'leave the lab running afterwards (mirror-doctor lab down stops it)')
    .addHelpText(
      'after',
      `
examples:
  $ sudo mirror-doctor demo
  $ sudo mirror-doctor demo --scenario cri-config-edited-after-start --containerd-version 2.1
  $ mirror-doctor demo --list

${exitCodesHelp(`the verdict when the walkthrough ends, as for tui: the lab's broken setup until you fix it (a healthy scenario, or a fixed one, is 0); 2 also when the lab cannot start`)}`,
    )
    .action(async (opts: Record<string, unknown>) => {
      const { runDemo } = await import('./demo.js');
      process.exitCode = await runDemo(opts);
    });

  program
    .command('checks')
    .description("List every check, or show one check's documentation (what it means, its evidence, the fix) offline")
    .argument('[id]', 'a check id, as in a report (e.g. host-dir-misnamed)')
    .option('--json', 'print JSON (the registry entry, with the documentation as markdown)')
    .addHelpText('after', `
examples:
  $ mirror-doctor checks
  $ mirror-doctor checks config-path-unset

${exitCodesHelp(null, 'it prints documentation')}`)
    .action(async (id: string | undefined, opts: { json?: boolean }) => {
      const { runChecksCommand } = await import('./checks.js');
      process.exitCode = runChecksCommand(id, opts);
    });

  // ---- fleet: every node of a Kubernetes cluster
  const fleet = program
    .command('fleet')
    .description('Many nodes: a manifest that runs check on every node of a cluster, and a table of their answers');
  addFleetManifestCommand(fleet);
  fleet
    .command('collect')
    .description('Read the reports (kubectl logs of the fleet pods, or files) and print node × root cause, grouped, odd nodes first')
    .argument('[files...]', 'report files (check --json output), saved pod logs, folders of them, or - ; default: kubectl logs of the fleet pods')
    .option('--json', 'print the table as JSON (schema mirror-doctor.fleet/v1)')
    .option('-n, --namespace <ns>', 'namespace of the fleet pods', FLEET_NAMESPACE)
    .option('-l, --selector <selector>', 'label selector of the fleet pods', FLEET_SELECTOR)
    .option('--context <name>', 'kubeconfig context')
    .option('--kubectl <path>', 'kubectl binary', 'kubectl')
    .option('--timeout <seconds>', 'give up a kubectl call after this long', '60')
    .addHelpText(
      'after',
      `

${exitCodesHelp('a node has problems or no report (2: nothing could be collected)')}
examples:
  $ mirror-doctor fleet collect
  $ mirror-doctor fleet collect --context prod-eu --json > fleet.json
  $ mirror-doctor fleet collect reports/            # a folder of check --json outputs or pod logs
  $ kubectl logs -n mirror-doctor -l app.kubernetes.io/name=mirror-doctor --prefix --tail=-1 | mirror-doctor fleet collect -
`,
    )
    .action(async (files: string[], opts: Record<string, unknown>) => {
      const { runFleetCollect } = await import('./fleet-collect.js');
      process.exitCode = await runFleetCollect(files, opts);
    });

  oneLineUsageErrors(program);
  return program;
}

/**
 * Output piped into a reader that stopped reading (`mirror-doctor parse big.log --json | head`):
 * nothing more can be shown, so stop quietly, as other command-line tools do, instead of dying
 * with a stack trace of the unhandled EPIPE.
 */
let quietSet = false;
function quietOnClosedStdout(): void {
  if (quietSet) return;
  quietSet = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw e;
  });
}

/** Runs the CLI and returns the exit code: 0 ok, 1 problems found, 2 could not run, 70 a bug, 130/143 interrupted (src/errors.ts EXIT). */
export async function main(argv: string[]): Promise<number> {
  quietOnClosedStdout();
  const program = buildProgram();
  // `mirror-doctor` alone: the walkthrough on a terminal, else the check output (see tui.ts)
  if (argv.length <= 2) argv = [...argv, 'tui'];
  setInvocation(argv.slice(2));
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit with code 0; usage errors have been printed already
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const { exitCode, text } = failure(err, { version: VERSION, debug: Boolean(process.env[DEBUG_ENV]) });
    // an unexpected error's message may quote anything (a header, a URL with user:password@)
    const { redact } = await import('../report/redact.js');
    process.stderr.write(redact(text));
    return exitCode;
  }
}
