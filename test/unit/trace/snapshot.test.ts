/**
 * TraceParser.snapshot() is read while a live pull streams (the tracer asks it after lines that may
 * decide the verdict): it must leave the parse as it was. Every recorded ctr output and daemon log,
 * fed a line at a time with a snapshot after each line, ends in the same documents as without.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { TraceParser } from '../../../src/trace/parser.js';
import { FIXTURES } from '../../helpers/facts-fixture.js';

function logs(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return logs(p);
    return n === 'stderr.txt' || n === 'daemon.log' ? [p] : [];
  });
}

function parse(lines: string[], snapshots: boolean): unknown {
  const p = new TraceParser({});
  for (const l of lines) {
    p.feed(l);
    if (snapshots) p.snapshot();
  }
  return p.end();
}

describe('snapshot() leaves the parse as it was', () => {
  const files = ['lab', 'lab-redirects', 'lab-info'].flatMap((d) => logs(join(FIXTURES, d)));
  it('finds the recorded logs', () => expect(files.length).toBeGreaterThan(600));
  it.each(files.map((f) => [relative(FIXTURES, f), f]))('%s', (_name, file) => {
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(parse(lines, true)).toEqual(parse(lines, false));
  });
});
