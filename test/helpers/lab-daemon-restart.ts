/**
 * Restarting one lab daemon with another config.toml, as a node restarts containerd after an edit,
 * and running check against it as a user would (only --address and --ctr).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { execa } from 'execa';
import type { LabState } from '../../src/lab/lab.js';
import { isAlive, startDetached, stopProcess, type LabProcess } from '../../src/lab/processes.js';
import { runCheck } from '../../src/cli/check.js';

export type LabVersion = '1.6' | '1.7' | '2.1';

export interface CheckReport {
  verdict: { rootCause: string | null; summary: string };
  findings: Array<{ id: string; severity: string; fix: string[]; detail: string }>;
}

/** Stops daemon `v` (the lab's, or the last one started here), writes `config` and starts it again; `started` collects what to stop after the tests. */
export async function restartDaemonWith(state: LabState, started: LabProcess[], v: LabVersion, config: string): Promise<void> {
  const d = state.daemons[v]!;
  const running = [...started].reverse().find((p) => p.name === `containerd-${v}` && isAlive(p)) ?? d.process;
  if (isAlive(running)) await stopProcess(running, 10_000);
  writeFileSync(d.config, config);
  const p = startDetached(`containerd-${v}`, d.command ?? [d.containerd, '--config', d.config], d.log, d.env);
  started.push(p);
  for (let i = 0; i < 100; i++) {
    if (existsSync(d.address) && (await execa(d.ctr, ['--address', d.address, 'version'], { reject: false, timeout: 3000 })).exitCode === 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`containerd ${v} did not come up; see ${d.log}`);
}

/** `mirror-doctor check REF --address … --ctr … --json` against daemon `v`. */
export async function checkDaemon(state: LabState, v: LabVersion, ref: string): Promise<CheckReport> {
  const d = state.daemons[v]!;
  let out = '';
  await runCheck(ref, { address: d.address, ctr: d.ctr, json: true }, [], { stdout: (s) => void (out += s), stderr: () => undefined, progress: false, color: false });
  return JSON.parse(out) as CheckReport;
}
