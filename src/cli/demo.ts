/**
 * `mirror-doctor demo`: the whole tool in a minute on a machine without containerd. Brings up the
 * lab (real containerd 1.6/1.7/2.1 and registries on 127.0.0.1) with a realistic broken setup, opens
 * the walkthrough on it (or prints `check`'s text when stdout is not a terminal), and tears the lab
 * down on exit. Exits with the walkthrough's code: 1 while the broken setup stands.
 */
import { defaultLabOptions, LAB_VERSIONS, type LabVersion } from '../lab/layout.js';
import { labDown, labUp } from '../lab/lab.js';
import { DEMO_SCENARIO, SCENARIOS, findScenario } from '../lab/scenarios.js';
import { kubeletImageName } from '../lab/record-fixtures.js';
import { UsageError } from '../errors.js';
import { sudoAgain } from './invocation.js';

export interface DemoOptions {
  scenario?: string;
  list?: boolean;
  containerdVersion?: string;
  keep?: boolean;
}

/** The scenario names `demo --list` prints, the built-in demo first. */
export function demoScenarioList(): string {
  const all = [DEMO_SCENARIO, ...SCENARIOS];
  const w = Math.max(...all.map((s) => s.name.length));
  return all.map((s) => `${s.name.padEnd(w)}  ${s.summary}`).join('\n') + '\n';
}

export async function runDemo(o: DemoOptions): Promise<number> {
  if (o.list) {
    process.stdout.write(demoScenarioList());
    return 0;
  }
  const scenario = findScenario(o.scenario ?? DEMO_SCENARIO.name);
  if (!scenario) throw new UsageError(`unknown scenario ${JSON.stringify(o.scenario)}`, 'mirror-doctor demo --list shows them');
  const version = (o.containerdVersion ?? '1.7') as LabVersion;
  if (!(LAB_VERSIONS as readonly string[]).includes(version)) {
    throw new UsageError(`the lab runs containerd ${LAB_VERSIONS.join(', ')}, not ${JSON.stringify(o.containerdVersion)}`, 'example: mirror-doctor demo --containerd-version 2.1');
  }
  if (process.getuid?.() !== 0) throw new UsageError('the demo runs real containerd daemons and needs root', `run: ${sudoAgain(['demo'])}`);
  const opts = defaultLabOptions();
  const log = (l: string) => process.stderr.write(`demo: ${l}\n`);
  let stopping = false;
  const down = async () => {
    if (stopping || o.keep) return;
    stopping = true;
    await labDown(opts, () => undefined);
  };
  try {
    // the lab's failures are the machine's (a lab already up, a package or daemon that will not
    // start), not bugs: they end the demo as "could not run"
    const state = await labUp(opts, scenario.name, log).catch((e: unknown) => {
      throw e instanceof UsageError ? e : new UsageError(`the lab could not start: ${e instanceof Error ? e.message : String(e)}`);
    });
    const d = state.daemons[version];
    if (!d) throw new UsageError(`containerd ${version} is not running in the lab`);
    log(`scenario ${scenario.name}: ${scenario.summary}`);
    const { runTuiCommand } = await import('./tui.js');
    // the walkthrough's code, as for every command (README "Exit codes"): 1 while the scenario's
    // broken setup stands (what the demo is there to show), 0 for a healthy or fixed one
    // as an operator would run it: the lab's socket and ctr, nothing else (config.toml, the
    // daemon's log and the hosts folder are found from the daemon's process)
    // every lab scenario is about what kubelet pulls: the walkthrough does not ask for the client
    const code = await runTuiCommand(kubeletImageName(scenario.ref), {
      address: d.address,
      ctr: d.ctr,
      client: 'cri',
    });
    return code;
  } finally {
    await down();
  }
}
