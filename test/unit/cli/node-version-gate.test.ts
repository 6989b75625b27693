/**
 * bin/node-version-gate.js, run as it is (in a VM context with a stand-in `process`): which Node.js
 * versions it lets through, the one line it prints for the others, and that its minimum is the one
 * package.json's "engines" states.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runInNewContext } from 'node:vm';

const REPO = resolve(__dirname, '../../..');
const GATE = readFileSync(resolve(REPO, 'bin/node-version-gate.js'), 'utf8');
const ENGINES = (JSON.parse(readFileSync(resolve(REPO, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
const EXITED = Symbol('exited');

function gate(version: string): { stderr: string; exitCode: number | undefined } {
  let stderr = '';
  let exitCode: number | undefined;
  const proc = {
    version: `v${version}`,
    versions: { node: version },
    stderr: { write: (s: string) => void (stderr += s) },
    exit: (code: number) => {
      exitCode = code;
      throw EXITED;
    },
  };
  try {
    runInNewContext(GATE, { process: proc });
  } catch (e) {
    if (e !== EXITED) throw e;
  }
  return { stderr, exitCode };
}

describe('node version gate', () => {
  it.each(['20.19.0', '20.20.2', '21.0.0', '22.0.0', '22.23.5', '24.22.3', '26.12.1', '100.0.0'])('lets Node.js %s through silently', (v) => {
    expect(gate(v)).toEqual({ stderr: '', exitCode: undefined });
  });

  it.each(['20.18.3', '20.0.0', '19.9.0', '18.20.8', '16.20.2', '14.21.3', '12.22.12', '0.10.48'])('refuses Node.js %s in one line, exit code 2', (v) => {
    const r = gate(v);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(`mirror-doctor: Node.js v${v} is not supported: it needs Node.js 20.19 or newer (20, 22 and 24 are tested)\n`);
  });

  it('has the minimum of package.json "engines"', () => {
    const m = /^>=(\d+)\.(\d+)$/.exec(ENGINES);
    expect(m, `engines.node ${ENGINES}`).not.toBeNull();
    const [major, minor] = [Number(m![1]), Number(m![2])];
    expect(gate(`${major}.${minor}.0`).exitCode).toBeUndefined();
    expect(gate(minor > 0 ? `${major}.${minor - 1}.99` : `${major - 1}.99.99`).exitCode).toBe(2);
  });
});
