/**
 * A real token-auth pull (test/fixtures/lab/<v>/token-auth, ctr --http-dump): ctr prints the
 * password of an OAuth2 password grant in the dumped POST body (right or wrong), the tokens in the dumped response
 * bodies, and `Authorization: Bearer` headers. None of them may reach parse's text or JSON output.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runParse } from '../../../src/cli/parse.js';
import { FIXTURES } from '../../helpers/facts-fixture.js';
import { LAB_AUTH } from '../../../src/lab/layout.js';

const runs = ['1.6', '1.7', '2.1'].flatMap((v) => ['ctr-hosts-dir', 'ctr-hosts-dir-user', 'ctr-hosts-dir-wrong-user'].map((variant) => join(FIXTURES, 'lab', v, 'token-auth', variant, 'stderr.txt')));

describe('token-auth recordings: no credential or token in parse output', () => {
  it.each(runs)('%s', async (file) => {
    const input = readFileSync(file, 'utf8');
    const tokens = [...new Set(input.match(/eyJ[A-Za-z0-9_-]{20,}/g) ?? [])];
    // the recording holds what must be hidden (a refused password gets no token)
    if (!file.includes('-wrong-user')) expect(tokens.length).toBeGreaterThan(0);
    // the password ctr sent, as its dump shows it
    const password = file.includes('-wrong-user') ? 'not-the-password' : file.includes('-user') ? LAB_AUTH.password : null;
    if (password) expect(input).toContain(`password=${password}`);
    for (const json of [false, true]) {
      let out = '';
      await runParse(file, { json }, { stdout: (s) => ((out += typeof s === 'string' ? s : Buffer.from(s).toString()), true) });
      expect(out.length).toBeGreaterThan(100);
      expect(out).not.toContain(LAB_AUTH.password);
      if (password) expect(out).not.toContain(password);
      for (const t of tokens) expect(out).not.toContain(t.slice(0, 24));
    }
  });
});
