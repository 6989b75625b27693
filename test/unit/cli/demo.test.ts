/**
 * `mirror-doctor demo` when the lab cannot start (here: one is already up): the machine's problem,
 * so "could not run" (exit 2) with the lab's reason, never a bug report. The lab is replaced by a
 * stand-in that fails as the real labUp does.
 */
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { captureCliOutput } from '../../helpers/capture-output.js';

const lab = vi.hoisted(() => ({ down: 0 }));
vi.mock('../../../src/lab/lab.js', () => ({
  labUp: async (opts: { dir: string }) => {
    throw new Error(`a lab is already up in ${opts.dir} on port base 5100; run \`lab down\` first`);
  },
  labDown: async () => {
    lab.down++;
  },
}));

const cli = captureCliOutput();

describe('mirror-doctor demo', () => {
  it('a lab that cannot start: exit 2, its reason, no bug report', async () => {
    vi.spyOn(process, 'getuid').mockReturnValue(0);
    expect(await main(['node', 'mirror-doctor', 'demo'])).toBe(2);
    expect(cli.err).toMatch(/^mirror-doctor: the lab could not start: a lab is already up in \S+ on port base 5100; run `lab down` first\n$/m);
    expect(cli.err).not.toMatch(/bug/);
    expect(lab.down).toBe(1);
  });
});
