import { labPaths, type LabOptions } from './layout.js';
import { readState } from './lab.js';
import { atPorts, findScenario } from './scenarios.js';
import { ctrPull, logOffset, readLogFrom } from './ctr-pull.js';

/** Registry access-log lines (the Apache-style ones) that a pull produced. */
export function registryRequests(logText: string): string[] {
  return logText.split('\n').filter((l) => /^\S+ - \S+ \[[^\]]+\] "(GET|HEAD) \/v2\/[^"]+" \d{3}/.test(l));
}

/**
 * Pulls the scenario's image with every lab containerd through `ctr --hosts-dir` and prints which
 * registry answered, straight from the registries' own access logs.
 */
export async function labPull(opts: LabOptions, print: (line: string) => void): Promise<number> {
  const state = readState(opts.dir);
  if (!state) throw new Error(`no lab is up in ${opts.dir}; run \`lab up\``);
  const found = findScenario(state.scenario);
  if (!found) throw new Error(`the lab's scenario "${state.scenario}" is unknown`);
  const scenario = atPorts(found, state.ports);
  const paths = labPaths(state.dir);
  let failures = 0;
  print(`scenario ${scenario.name}: ${scenario.summary}`);
  for (const daemon of Object.values(state.daemons)) {
    if (!daemon) continue;
    const offsets = Object.keys(state.registries).map((name) => ({ name, log: paths.registry(name).log, at: logOffset(paths.registry(name).log) }));
    const r = await ctrPull(daemon, { ref: scenario.ref, hostsDir: state.hostsDir });
    print('');
    print(`containerd ${daemon.packageVersion}: ctr ${r.args.join(' ')}`);
    print(`  exit ${r.exitCode} after ${(r.durationMs / 1000).toFixed(1)} s${r.exitCode ? `: ${r.stderr.trim().split('\n').pop()}` : ''}`);
    let served = 0;
    for (const o of offsets) {
      for (const line of registryRequests(readLogFrom(o.log, o.at))) {
        served++;
        print(`  registry "${o.name}" saw: ${line.replace(/^\S+ - \S+ \[[^\]]+\] /, '')}`);
      }
    }
    if (served === 0) print('  no lab registry saw a request: containerd went to the upstream only');
    if (r.exitCode !== 0) failures++;
  }
  return failures ? 1 : 0;
}
