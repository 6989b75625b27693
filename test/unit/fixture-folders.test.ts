/** git keeps no empty folder: one a fixture needs (an existing but empty certs.d) holds a `.keep` file, or a clean clone differs. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { FIXTURES } from '../helpers/facts-fixture.js';

function emptyFolders(dir: string): string[] {
  const entries = readdirSync(dir, { withFileTypes: true });
  if (entries.length === 0) return [dir];
  return entries.filter((e) => e.isDirectory()).flatMap((e) => emptyFolders(join(dir, e.name)));
}

it('no fixture folder is empty', () => {
  expect(emptyFolders(FIXTURES)).toEqual([]);
});
