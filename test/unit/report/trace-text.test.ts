/**
 * The text of a pull prints each error text once: the same error of another step points back to
 * it, the final error (which wraps the last host's) prints only what it adds, and the verdict does
 * not quote it again. On recorded lab logs (debug and info level).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTraceText } from '../../../src/trace/index.js';
import { renderTraceText } from '../../../src/report/trace-text.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures');
const count = (hay: string, needle: string) => hay.split(needle).length - 1;

describe('each error once per pull', () => {
  for (const dir of ['lab', 'lab-info']) {
    it(`${dir}: the refused mirror's error (CRI, 1.7)`, () => {
      const docs = parseTraceText(readFileSync(join(FIXTURES, dir, '1.7/mirror-refused/cri/daemon.log'), 'utf8'));
      expect(docs).toHaveLength(1);
      const d = docs[0]!;
      const mirror = d.attempts.find((a) => a.mirror && a.kind === 'resolve')!;
      expect(mirror.outcome).toBe('connection-refused');
      const err = mirror.error!;
      // the final error wraps it: logged twice in this pull
      expect(d.error!.endsWith(`: ${err}`)).toBe(true);
      const text = renderTraceText(docs);
      expect(count(text, err)).toBe(1);
      expect(text).toContain(`error (2× in this pull): ${err}`);
      const prefix = d.error!.slice(0, d.error!.length - err.length);
      expect(text).toContain(`  · error: ${prefix}[as step 1]\n`);
      expect(text).toMatch(/Verdict: FAILURE — failed; mirror tried first \(127\.0\.0\.1:\d+ connection-refused\), then registry-1\.docker\.io \(error above\)\n/);
      // every other error text of the pull is printed exactly once too
      for (const a of d.attempts) if (a.error) expect(count(text, a.error)).toBe(1);
    });
  }

  it('no error text is printed twice in a pull, in any recorded log', () => {
    const logs = ['1.6', '1.7', '2.1'].flatMap((v) =>
      ['mirror-404', 'mirror-refused', 'tls-no-ca', 'https-on-http', 'basic-auth', 'toml-syntax-error'].flatMap((s) => ['cri/daemon.log', 'ctr-hosts-dir/stderr.txt', 'ctr-no-hosts-dir/stderr.txt'].map((f) => join(FIXTURES, 'lab', v, s, f))),
    ).filter((f) => existsSync(f));
    let wrapped = 0;
    for (const f of logs) {
      for (const d of parseTraceText(readFileSync(f, 'utf8'))) {
        const out = renderTraceText([d]);
        const errors = [...d.attempts.map((a) => a.error), d.error].filter((e): e is string => !!e);
        for (const e of new Set(errors)) {
          // inside a longer error printed whole (not at its end) it shows again: that is the other's text
          if (errors.some((x) => x !== e && x.includes(e) && !x.endsWith(`: ${e}`))) continue;
          const full = count(out, e);
          expect(full, `${f}: ${e}`).toBeLessThanOrEqual(1);
          if (full === 0) {
            // printed as what it adds to the error it wraps, printed before
            const inner = errors.find((x) => x !== e && e.endsWith(`: ${x}`)) as string;
            expect(inner, `${f}: ${e}`).toBeDefined();
            expect(out).toContain(`${e.slice(0, e.length - inner.length)}[as `);
            expect(out).toContain(`error (2× in this pull): ${inner}`);
            wrapped++;
          }
        }
        if (d.error) expect(out).not.toMatch(/Verdict: .*: .*failed to/);
      }
    }
    expect(wrapped).toBeGreaterThan(5);
  });

  it('a host answered the same twice (as the parser shows a host two pulls asked alike): printed once, counted, named by the other step', () => {
    const [d] = parseTraceText(readFileSync(join(FIXTURES, 'lab/1.7/mirror-refused/cri/daemon.log'), 'utf8'));
    const mirror = d!.attempts[0]!;
    const twice = { ...d!, attempts: [mirror, { ...mirror, line: mirror.line + 1, inferred: 'implied' }, ...d!.attempts.slice(1)] };
    const text = renderTraceText([twice]);
    expect(count(text, mirror.error!)).toBe(1);
    expect(text).toContain(`error (3× in this pull): ${mirror.error}`);
    expect(text).toMatch(/^ {2}2\. resolve +127\.0\.0\.1:\d+ \(mirror\): connection-refused\n.*\n {7}error: as step 1$/m);
    expect(text).toContain('[as step 1]');
  });
});

describe('a resolve without a host', () => {
  it('says the host was not logged (containerd before 1.4 logs `resolving` without it) instead of leaving a blank', () => {
    const text = renderTraceText(parseTraceText('time="2019-04-12T21:40:24.527550346Z" level=debug msg=resolving\n'));
    expect(text).toMatch(/^ {2}1\. resolve +\(host not logged\): other$/m);
    expect(text).toContain('last (host not logged) other');
  });
});
