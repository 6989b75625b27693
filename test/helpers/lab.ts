import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultLabOptions, type LabOptions } from '../../src/lab/layout.js';

/**
 * Lab options for a test run: its own folder and its own ports, so a lab that a developer has up
 * (default /tmp/mirror-doctor-lab on 5101…) is never disturbed. The package cache is shared.
 * MIRROR_DOCTOR_TEST_PORT_SHIFT moves every test lab's ports, so two checkouts can run the
 * integration tests at once.
 */
export function testLabOptions(portBase = 5200): LabOptions {
  const d = defaultLabOptions();
  const shift = Number(process.env.MIRROR_DOCTOR_TEST_PORT_SHIFT ?? 0) || 0;
  return { ...d, dir: join(mkdtempSync(join(tmpdir(), 'md-test-lab-')), 'lab'), portBase: portBase + shift };
}

export const quietLog = (line: string) => {
  if (process.env.MIRROR_DOCTOR_TEST_VERBOSE) process.stderr.write(`lab: ${line}\n`);
};
