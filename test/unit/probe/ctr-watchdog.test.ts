/**
 * ctr children die with their parent: the watchdog shell kills the command once the parent's end
 * of its stdin pipe closes (also on SIGKILL), and stopping a run reaches the whole process group.
 */
import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { runStreamed, WATCHDOG } from '../../../src/probe/ctr-runner.js';

/** running and not a zombie */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 60 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  return !alive(pid);
}

describe('the ctr watchdog', () => {
  it('kills the command when the process that started it is SIGKILLed', async () => {
    // a parent (node) that starts `sleep` through the watchdog as runStreamed does, prints its pid, and waits
    const parent = spawn(
      process.execPath,
      [
        '-e',
        `const c = require('node:child_process').spawn('/bin/sh', ['-c', process.env.WD, 'wd', '/bin/sh', '-c', 'echo $$; exec sleep 60'], { detached: true, stdio: ['pipe', 'inherit', 'inherit'] });
         setInterval(() => {}, 1000);`,
      ],
      { env: { ...process.env, WD: WATCHDOG }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const pid = await new Promise<number>((done) => parent.stdout.once('data', (d: Buffer) => done(Number(d.toString().trim()))));
    expect(alive(pid)).toBe(true);
    parent.kill('SIGKILL');
    expect(await gone(pid)).toBe(true);
  });

  it('passes the command\'s exit status on', async () => {
    const run = await runStreamed('/bin/sh', { args: ['-c', 'echo out; exit 3'], timeoutMs: 10_000, onLine: () => undefined });
    expect({ exitCode: run.exitCode, lines: run.lines.map((l) => l.text) }).toEqual({ exitCode: 3, lines: ['out'] });
  });

  it('stopping a run stops what the command started too (its process group)', async () => {
    let grandchild = 0;
    const run = await runStreamed('/bin/sh', {
      args: ['-c', 'sleep 60 & echo $!; wait'],
      timeoutMs: 10_000,
      onLine: (line) => {
        grandchild = Number(line);
        return 'stop';
      },
    });
    expect(run.stoppedBy).toBe('verdict');
    expect(grandchild).toBeGreaterThan(0);
    expect(await gone(grandchild)).toBe(true);
  });

  it('a command that does not exist is a spawn error, as before', async () => {
    const run = await runStreamed('/nonexistent/ctr', { args: [], timeoutMs: 10_000, onLine: () => undefined });
    expect(run.spawnError).toMatch(/ENOENT/);
  });
});
