import { afterEach, beforeEach, vi } from 'vitest';

/**
 * What the CLI writes to stdout and stderr during each test, collected in `out` and `err` (emptied
 * before each test); process.exitCode is reset around each test. Call at the top of a test file.
 */
export function captureCliOutput(): { out: string; err: string } {
  const io = { out: '', err: '' };
  beforeEach(() => {
    io.out = '';
    io.err = '';
    process.exitCode = undefined;
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((io.out += String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((io.err += String(s)), true));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });
  return io;
}
