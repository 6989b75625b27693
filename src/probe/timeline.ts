/**
 * An opt-in timeline of a trace run, for benchmarks: with MIRROR_DOCTOR_TIMELINE=FILE in the
 * environment, every `mark()` appends one JSON line to FILE — milliseconds since the process
 * started, this process's CPU time so far, the event — and the process's exit is marked too.
 * Without the variable `mark()` does nothing.
 */
import { appendFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const file = process.env.MIRROR_DOCTOR_TIMELINE || null;
let exitHooked = false;

export function timelineEnabled(): boolean {
  return file !== null;
}

export function mark(event: string, detail?: Record<string, unknown>): void {
  if (!file) return;
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', () => mark('process exit'));
  }
  const cpu = process.cpuUsage();
  const line = { t: Math.round(performance.now()), cpu: Math.round((cpu.user + cpu.system) / 1000), event, ...detail };
  try {
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  } catch {
    // a timeline is a diagnostic: never fail the run for it
  }
}
