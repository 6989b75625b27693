/** parse's text kept for after the summary: the same text back, in order, from memory or from the unlinked file. */
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TextSpool } from '../../../src/cli/text-spool.js';
import { parseTraceText } from '../../../src/trace/index.js';
import { renderTraceText } from '../../../src/report/trace-text.js';

const LAB = join(import.meta.dirname, '../../fixtures/lab');
const leftovers = () => readdirSync(tmpdir()).filter((n) => n.startsWith('mirror-doctor-parse-'));

describe('TextSpool', () => {
  // real pull texts (one has `→` and `—`: several bytes in UTF-8)
  const texts = ['1.7/mirror-404/cri/daemon.log', '1.7/mirror-ok/ctr-hosts-dir/stderr.txt', '2.1/tls-no-ca/cri/daemon.log'].map((f, i) => renderTraceText(parseTraceText(readFileSync(join(LAB, f), 'utf8')), i));

  for (const [name, limit] of [['in memory', 1 << 20], ['through the unlinked file', 100]] as const) {
    it(`gives the text back in order: ${name}`, async () => {
      const before = leftovers();
      const spool = new TextSpool(limit);
      for (let k = 0; k < 50; k++) for (const t of texts) spool.add(t);
      const chunks: (string | Uint8Array)[] = [];
      let settled = 0;
      await spool.drainTo((c) => void chunks.push(c), async () => void settled++);
      expect(Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))).toString('utf8')).toBe(texts.join('').repeat(50));
      expect(settled).toBe(chunks.length);
      // nothing left in the temporary folder, even while the file was in use
      expect(leftovers()).toEqual(before);
      // drained: nothing more
      chunks.length = 0;
      await spool.drainTo((c) => void chunks.push(c), async () => {});
      expect(chunks).toEqual([]);
    });
  }
});
