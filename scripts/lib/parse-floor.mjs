// Lower bounds of the work `mirror-doctor parse --json` cannot avoid on a daemon log, each done
// with the cheapest plain JavaScript there is, for scripts/bench-parse:
//  - lexFloor(file): read the file in 1 MiB chunks and cut every line into its key=value fields,
//    decoding each value into a string (any parser of these logs has to look at every field to
//    find the ones it needs); nothing is kept, no line is interpreted;
//  - stringifyFloor(jsonFile, mayRedact): V8's own JSON.stringify of each document that parse
//    printed (the JSON text is the output; parse has to produce at least this much of it), and
//    apart from it the two passes every printed text needs after that: the one scan that shows it
//    cannot hold a secret (the union of redact()'s gates; the cheapest proof there is that
//    redaction changes nothing) and its encoding into UTF-8 bytes for the write.
import { closeSync, openSync, readSync, createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** Seconds to cut every line of `file` into decoded key=value fields; also the field count. */
export function lexFloor(file) {
  const t = process.hrtime.bigint();
  const fd = openSync(file, 'r');
  const b = Buffer.allocUnsafe(1 << 20);
  let carry = 0;
  let fields = 0;
  let sink = 0;
  try {
    for (;;) {
      const n = readSync(fd, b, carry, b.length - carry, null);
      const end = carry + n;
      let p = 0;
      for (let q = b.indexOf(10, p); q !== -1 && q < end; q = b.indexOf(10, p)) {
        for (let i = p; i < q; ) {
          while (i < q && b[i] !== 61 && b[i] !== 32) i++; // key
          if (b[i] !== 61) { i++; continue; }
          i++;
          let vs = i;
          let ve;
          if (b[i] === 34) {
            vs = ++i;
            while (i < q && b[i] !== 34) i += b[i] === 92 ? 2 : 1; // quoted, with escapes
            ve = Math.min(i, q);
            i++;
          } else {
            while (i < q && b[i] !== 32) i++;
            ve = i;
          }
          sink += b.latin1Slice(vs, ve).length;
          fields++;
          i++;
        }
        p = q + 1;
      }
      if (n === 0) break;
      b.copy(b, 0, p, end);
      carry = end - p;
      if (carry === b.length) carry = 0; // a line longer than the buffer: dropped
    }
  } finally {
    closeSync(fd);
  }
  return { s: Number(process.hrtime.bigint() - t) / 1e9, fields, chars: sink };
}

/**
 * Seconds spent in JSON.stringify of each document of `jsonFile` (parse's one-document-per-line
 * output), and (`gate`, `encode`) in `mayRedact` of each text and in writing it into a Buffer as UTF-8.
 */
export async function stringifyFloor(jsonFile, mayRedact) {
  let ns = 0n;
  let gateNs = 0n;
  let encodeNs = 0n;
  let docs = 0;
  let bytes = 0;
  let flagged = 0;
  const out = Buffer.allocUnsafe(1 << 17);
  let used = 0;
  const rl = createInterface({ input: createReadStream(jsonFile), crlfDelay: Infinity });
  for await (const line of rl) {
    if (line === '[' || line === ']' || line === '') continue;
    const d = JSON.parse(line.endsWith(',') ? line.slice(0, -1) : line);
    const t = process.hrtime.bigint();
    const text = JSON.stringify(d);
    const t1 = process.hrtime.bigint();
    if (mayRedact(text)) flagged++;
    const t2 = process.hrtime.bigint();
    if (used + text.length * 3 > out.length) used = 0;
    if (text.length * 3 <= out.length) used += out.write(text, used, 'utf8');
    else Buffer.from(text, 'utf8');
    const t3 = process.hrtime.bigint();
    ns += t1 - t;
    gateNs += t2 - t1;
    encodeNs += t3 - t2;
    bytes += text.length;
    docs++;
  }
  return { s: Number(ns) / 1e9, gate: Number(gateNs) / 1e9, encode: Number(encodeNs) / 1e9, docs, bytes, flagged };
}
