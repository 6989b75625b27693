import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The built single file (dist/mirror-doctor.mjs), copied where any user can read it, for tests that
 * run the CLI as another user: the repository may sit in a folder only root can enter (.ci/run
 * clones it under `mktemp -d`, mode 0700).
 */
export function cliForAnyUser(): { path: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'md-cli-any-user-'));
  chmodSync(dir, 0o755);
  const path = join(dir, 'mirror-doctor.mjs');
  copyFileSync(resolve(__dirname, '../../dist/mirror-doctor.mjs'), path);
  chmodSync(path, 0o644);
  return { path, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
