import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TraceParser } from '../../../src/trace/parser.js';
import { BODY_STUB, BodyLineFilter, bodyLineSkipper, parserInBinaryBody } from '../../../src/probe/body-lines.js';
import { BoundedLog, ByteLineSplitter, runStreamed } from '../../../src/probe/ctr-runner.js';

const fixture = (p: string) => readFileSync(fileURLToPath(new URL(`../../fixtures/lab/${p}`, import.meta.url)), 'utf8');
const REF = 'docker.io/library/mirror-doctor-demo:1.0';
const WATCHED = ['do request', 'Connection successful'];

/** Go's %q as logrus uses it for a message: printable UTF-8 kept, the rest escaped. */
function goQuote(bytes: Buffer): string {
  let out = '"';
  const text = bytes.toString('latin1');
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) out += '\\"';
    else if (c === 92) out += '\\\\';
    else if (c === 9) out += '\\t';
    else if (c === 13) out += '\\r';
    else if (c >= 32 && c < 127) out += text[i];
    else out += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}

/** A deterministic pseudo-random byte source. */
function bytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

const info = (msg: string) => `time="2026-11-28T01:55:38Z" level=info msg=${msg}`;

/**
 * ctr output with --http-dump: the lab fixture's exchange, then a blob of binary body lines (split
 * at newline bytes as logrus does), with look-alikes sprinkled in: lines that must be read.
 */
function syntheticDump(): string {
  const head = fixture('1.7/mirror-ok/ctr-hosts-dir/stderr.txt').trimEnd().split('\n');
  // continue the fixture's first binary body (a gzipped layer) with a big one
  const p = new TraceParser({ ref: REF });
  const at = head.findIndex((l) => {
    p.feed(l);
    return parserInBinaryBody(p);
  });
  expect(at).toBeGreaterThan(0);
  const body: string[] = [];
  const blob = bytes(400_000, 7);
  let start = 0;
  for (let i = 0; i <= blob.length; i++) {
    if (i === blob.length || blob[i] === 10) {
      body.push(info(goQuote(blob.subarray(start, i))));
      start = i + 1;
    }
  }
  const special = [
    info('"do request"'),
    info('"\\x00msg=\\"do request\\" x"'),
    info('"\\x01msg="'),
    info('"odd backslash \\\\\\"'),
    info('"Connection successful" remote_addr="127.0.0.1:5000"'),
    info('"resolved" host=x'),
    info('"\\x1f\\x8bHTTP/1.1 200 OK"'),
    info('"a\\x00b"'),
    'time="2026-11-28T01:55:38Z" level=debug msg="\\x00\\x01"',
    `${info('"\\x02\\x03"')}\r`,
  ];
  for (let k = 0; k < special.length; k++) body.splice(37 + k * 97, 0, special[k]!);
  return [...head.slice(0, at + 1), ...body, ...head.slice(at + 1)].join('\n') + '\n';
}

/** Feeds text to a parser line by line as strings (the reference: what the tracer did before). */
function parseByStrings(text: string) {
  const p = new TraceParser({ ref: REF });
  const log = new BoundedLog(64 * 1024, 50);
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const l of lines) {
    const t = l.endsWith('\r') ? l.slice(0, -1) : l;
    log.push({ stream: 'stderr', text: t });
    p.feed(t);
  }
  return { docs: p.end(), lines: log.lines() };
}

/** The same through the byte path: reused read buffer, chunks of `size`, body lines skipped. */
function parseByBytes(text: string, size: number) {
  const data = Buffer.from(text);
  const p = new TraceParser({ ref: REF });
  const log = new BoundedLog(64 * 1024, 50);
  let taken = 0;
  const skip = bodyLineSkipper(p, WATCHED, () => taken++);
  const onText = (t: string) => {
    log.push({ stream: 'stderr', text: t });
    p.feed(t);
  };
  const s = new ByteLineSplitter({
    raw: (buf, start, end, offset) => {
      if (end > start && buf[end - 1] === 13) end--;
      if (skip(buf, start, end, 'stderr', 0)) log.pushAt('stderr', buf, start, end, offset);
      else onText(buf.toString('utf8', start, end));
    },
    cut: onText,
  });
  const reused = Buffer.alloc(size);
  for (let i = 0; i < data.length; i += size) {
    const n = data.copy(reused, 0, i, Math.min(data.length, i + size));
    s.push(reused.subarray(0, n));
    reused.fill(0x2a); // whatever is kept from a chunk must have been copied
  }
  s.end();
  return { docs: p.end(), lines: log.lines((_s, o, l) => data.toString('utf8', o, o + l)), taken };
}

describe('binary body lines on bytes', () => {
  it('the parser state it relies on is there: inside a dumped blob the parser is in a binary body', () => {
    const p = new TraceParser({ ref: REF });
    let seen = false;
    for (const l of fixture('1.7/mirror-ok/ctr-hosts-dir/stderr.txt').split('\n')) {
      p.feed(l);
      seen ||= parserInBinaryBody(p);
    }
    expect(seen).toBe(true);
  });

  it('skipping body lines on bytes gives the same documents and log as decoding every line', () => {
    const text = syntheticDump();
    const ref = parseByStrings(text);
    expect(ref.docs.length).toBeGreaterThan(0);
    for (const size of [1 << 20, 65_536, 4093, 777]) {
      const got = parseByBytes(text, size);
      expect(got.taken).toBeGreaterThan(1000);
      expect(got.docs).toEqual(ref.docs);
      expect(got.lines).toEqual(ref.lines);
    }
  });

  it('recognises only lines the parser would skip and the tracer need not see', () => {
    const f = new BodyLineFilter(WATCHED);
    const stub = (line: string) => {
      const b = Buffer.from(`xx${line}yy`);
      return f.stub(b, 2, b.length - 2);
    };
    expect(stub(info('"\\x00\\x01\\xff"'))).toBe(BODY_STUB);
    expect(stub(info('"ab\\x00"'))).toBe(`${info('"ab\\x00')}"`);
    expect(stub(info(`"a${'b'.repeat(100)}"`))).toBe(`${info(`"a${'b'.repeat(47)}`)}"`);
    expect(stub(info('"x\\\\\\\\"'))).toBe(`${info('"x')}"`); // trailing backslashes are not kept
    expect(stub(info('"do request"'))).toBeNull();
    expect(stub(info('"Connection successful"'))).toBeNull();
    expect(stub(info('"\\x00msg="'))).toBe(BODY_STUB); // msg= then the closing quote: nothing the tracer looks for
    expect(stub(info('"\\x00msg="do request"'))).toBeNull();
    expect(stub(info('"\\x00HTTP/1.1 200 OK"'))).toBeNull();
    expect(stub(info('"\\x00\\"'))).toBeNull(); // the closing quote is escaped
    expect(stub(info('""'))).toBeNull();
    expect(stub(info('"\\x00" host=x'))).toBeNull();
    expect(stub('time="t" level=debug msg="\\x00"')).toBeNull();
    expect(stub('level=info msg="\\x00"')).toBeNull();
  });

  it('the fixed stand-in is a body line to the parser (skipped inside a binary body)', () => {
    const p = new TraceParser({ ref: REF });
    const lines = fixture('1.7/mirror-ok/ctr-hosts-dir/stderr.txt').split('\n');
    let i = 0;
    for (; i < lines.length && !parserInBinaryBody(p); i++) p.feed(lines[i]!);
    expect(parserInBinaryBody(p)).toBe(true);
    const before = JSON.stringify(p.snapshot());
    const n = p.lines;
    p.feed(BODY_STUB);
    expect(p.lines).toBe(n + 1);
    expect(parserInBinaryBody(p)).toBe(true);
    expect(JSON.stringify(p.snapshot()).replace(/"last":\d+/g, '')).toBe(before.replace(/"last":\d+/g, ''));
  });
});

describe('BoundedLog', () => {
  it('a line kept by its place reads back the same as one kept as text', () => {
    const data = Buffer.from(Array.from({ length: 300 }, (_, i) => `line ${i} é ${'x'.repeat(i % 17)}`).join('\n'));
    const a = new BoundedLog(500, 40);
    const b = new BoundedLog(500, 40);
    let start = 0;
    for (let i = 0; i <= data.length; i++) {
      if (i === data.length || data[i] === 10) {
        a.push({ stream: i % 3 ? 'stderr' : 'stdout', text: data.toString('utf8', start, i) });
        b.pushAt(i % 3 ? 'stderr' : 'stdout', data, start, i, start);
        start = i + 1;
      }
    }
    const lines = a.lines();
    expect(lines.some((l) => /lines not kept/.test(l.text))).toBe(true);
    expect(b.lines((_s, o, l) => data.toString('utf8', o, o + l))).toEqual(lines);
  });
});

describe('ByteLineSplitter', () => {
  it('gives each line its offset in the stream, also across chunks', () => {
    const data = Buffer.from('alpha\nbeta gamma\n\ndelta\nend');
    for (const size of [1, 2, 3, 5, 100]) {
      const got: Array<[string, number]> = [];
      const s = new ByteLineSplitter({ raw: (b, st, e, off) => got.push([b.toString('utf8', st, e), off]), cut: () => undefined });
      for (let i = 0; i < data.length; i += size) s.push(Buffer.from(data.subarray(i, i + size)));
      s.end();
      expect(got).toEqual([
        ['alpha', 0],
        ['beta gamma', 6],
        ['', 17],
        ['delta', 18],
        ['end', 24],
      ]);
    }
  });
});

describe('runStreamed', () => {
  it('with a rawLine hook: taken lines are not passed to onLine but are in the kept output', async () => {
    const script = "for (let i = 0; i < 5000; i++) process.stderr.write(`${i % 2 ? 'skip' : 'keep'} ${i}\\n`);";
    const seen: string[] = [];
    const run = await runStreamed(process.execPath, {
      args: ['-e', script],
      timeoutMs: 20_000,
      rawLine: (buf, start) => buf[start] === 0x73, // "skip …"
      onLine: (line) => {
        seen.push(line);
      },
    });
    expect(run.exitCode).toBe(0);
    expect(seen).toHaveLength(2500);
    expect(seen.every((l) => l.startsWith('keep'))).toBe(true);
    expect(run.lines.map((l) => l.text)).toEqual(Array.from({ length: 5000 }, (_, i) => `${i % 2 ? 'skip' : 'keep'} ${i}`));
  });
});
