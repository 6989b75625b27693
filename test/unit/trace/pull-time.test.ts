/**
 * The time of each pull (`time`): the timestamp of its first line, on the recorded lab logs (debug
 * and info level), and from journald when a line has none; null for ctr's relative TTY stamps.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTraceLines, parseTraceText, validateTraceDoc } from '../../../src/trace/index.js';
import { parseLogfmt } from '../../../src/trace/logfmt.js';
import { scanLine } from '../../../src/trace/line.js';
import { renderTraceText } from '../../../src/report/trace-text.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures');

/** Every recorded ctr stderr and daemon log of the lab (debug) and lab-info (info level). */
function logs(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e === 'stderr.txt' || e === 'daemon.log') out.push(p);
    }
  };
  walk(join(FIXTURES, 'lab'));
  walk(join(FIXTURES, 'lab-info'));
  return out;
}

/** The `time=` value a logrus text line starts with, read by a regex (not the parser). */
const timeOf = (line: string) => /^time="?([^" ]+)"?/.exec(line)?.[1] ?? null;

describe('the time of a pull', () => {
  const files = logs();

  it('is the time of its first line, in every recorded log', () => {
    let dated = 0;
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const lines = text.split('\n');
      for (const d of parseTraceText(text)) {
        expect(validateTraceDoc(d), f).toEqual([]);
        const t = timeOf(lines[d.lines.first - 1] as string);
        if (t !== null) {
          expect(d.time, `${f} line ${d.lines.first}`).toBe(t);
          dated++;
        }
        // the daemon's log dates every line
        if (f.endsWith('daemon.log')) expect(d.time, f).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/);
      }
    }
    expect(dated).toBeGreaterThan(100);
  });

  it('concurrent CRI pulls each have the time of their own PullImage line', () => {
    const text = readFileSync(join(FIXTURES, 'lab/1.7/mirror-404/cri-concurrent/daemon.log'), 'utf8');
    const lines = text.split('\n');
    const docs = parseTraceText(text);
    expect(docs.length).toBeGreaterThan(1);
    for (const d of docs) expect(lines[d.lines.first - 1]).toMatch(new RegExp(`^time="${d.time}" .*msg="PullImage \\\\"`));
    expect(new Set(docs.map((d) => d.time)).size).toBe(docs.length);
  });

  const ctrStderr = readFileSync(join(FIXTURES, 'lab/1.7/mirror-404/ctr-hosts-dir/stderr.txt'), 'utf8').split('\n').filter((l) => l);

  it('ctr on a terminal (INFO[0000], seconds since it started) has none: null, and the text says so', () => {
    const tty = ctrStderr.map((line) => {
      const l = scanLine(line);
      if (l.kind !== 'log') return line;
      const lvl = { debug: 'DEBU', info: 'INFO', warning: 'WARN', error: 'ERRO' }[l.level as string] ?? 'INFO';
      const f = Object.entries(parseLogfmt(l.src, l.at)).map(([k, v]) => ` ${k}=${/[\s"=]/.test(v) ? JSON.stringify(v) : v}`).join('');
      return `${lvl}[0000] ${l.msg.padEnd(44)} ${f}`;
    });
    const docs = parseTraceLines(tty);
    expect(docs).toHaveLength(1);
    expect(docs[0]?.attempts.length).toBeGreaterThan(0);
    expect(docs[0]?.time).toBeNull();
    expect(renderTraceText(docs)).toMatch(/^Pull 1: .*; no time in the log\]$/m);
    // the same pull in logrus text form is dated
    const plain = parseTraceLines(ctrStderr);
    expect(plain[0]?.time).toBe(timeOf(ctrStderr[0] as string));
    expect(renderTraceText(plain)).toContain(`; at ${timeOf(ctrStderr[0] as string)}]`);
  });

  const cri = readFileSync(join(FIXTURES, 'lab/2.1/mirror-404/cri/daemon.log'), 'utf8').split('\n').filter((l) => l);
  const criTime = parseTraceLines(cri)[0]?.time as string;
  /** The line without its `time=` field (a message journald dates by itself). */
  const undated = (l: string) => l.replace(/^time="?[^" ]+"? /, '');
  /** RFC 3339 to journald's __REALTIME_TIMESTAMP (microseconds since the epoch). */
  const realtime = (t: string) => String(Date.parse(t) * 1000 + Number((/\.\d{3}(\d{3})/.exec(t)?.[1]) ?? 0));

  it('journalctl -o json: the message\'s own time, else __REALTIME_TIMESTAMP (UTC, to the microsecond)', () => {
    expect(criTime).toMatch(/^2026-.*\.\d{9}Z$/);
    const entry = (m: string, l: string) => JSON.stringify({ __REALTIME_TIMESTAMP: realtime(timeOf(l) as string), _SYSTEMD_UNIT: 'containerd.service', MESSAGE: m });
    expect(parseTraceLines(cri.map((l) => entry(l, l)))[0]?.time).toBe(criTime);
    const docs = parseTraceLines(cri.map((l) => entry(undated(l), l)));
    expect(docs).toHaveLength(1);
    expect(docs[0]?.time).toBe(criTime.replace(/(\.\d{6})\d{3}Z$/, '$1Z'));
  });

  it('journald short-iso: the prefix dates a line without a time of its own; short (no year) does not', () => {
    const prefix = (l: string) => `${(timeOf(l) as string).replace(/\.\d+Z$/, '+0000')} node1 containerd[812]: `;
    expect(parseTraceLines(cri.map((l) => prefix(l) + undated(l)))[0]?.time).toBe(criTime.replace(/\.\d+Z$/, '+00:00'));
    expect(parseTraceLines(cri.map((l) => prefix(l) + l))[0]?.time).toBe(criTime);
    expect(parseTraceLines(cri.map((l) => `Nov 27 23:38:42 node1 containerd[812]: ${undated(l)}`))[0]?.time).toBeNull();
  });
});
