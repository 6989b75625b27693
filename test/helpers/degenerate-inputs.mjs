// Generators of degenerate inputs for the bounded-memory tests (test/integration/bounded-memory.test.ts)
// and for measuring by hand: `node test/helpers/degenerate-inputs.mjs KIND FILE [MB|COUNT]`.
// The log lines are containerd 1.7's own (test/fixtures/lab/1.7/mirror-ok/cri/daemon.log), with
// varied digests and image names where a real log would vary them.
import { createWriteStream } from 'node:fs';
import { createGzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';

const HOST = '127.0.0.1:5101';
const UA = 'containerd/1.7.24~ds1';

/** `n` as 64 hex digits (a digest that differs for every n). */
function digest(n) {
  return n.toString(16).padStart(64, '0');
}

function stamp(n) {
  const ns = String(n % 1e9).padStart(9, '0');
  return `2026-11-27T23:38:30.${ns}Z`;
}

const pullImage = (n, name) => `time="${stamp(n)}" level=info msg="PullImage \\"${name}\\""\n`;
const resolving = (n) => `time="${stamp(n)}" level=debug msg=resolving host="${HOST}"\n`;
const doRequest = (n, d) =>
  `time="${stamp(n)}" level=debug msg="do request" digest="sha256:${d}" mediatype=application/vnd.oci.image.layer.v1.tar+gzip request.header.accept="application/vnd.oci.image.layer.v1.tar+gzip, */*" request.header.user-agent="${UA}" request.method=GET size=709 url="http://${HOST}/v2/library/mirror-doctor-demo/blobs/sha256:${d}?ns=docker.io"\n`;
const response = (n, d) =>
  `time="${stamp(n)}" level=debug msg="fetch response received" digest="sha256:${d}" mediatype=application/vnd.oci.image.layer.v1.tar+gzip response.header.content-length=709 response.header.content-type=application/octet-stream response.status="200 OK" size=709 url="http://${HOST}/v2/library/mirror-doctor-demo/blobs/sha256:${d}?ns=docker.io"\n`;

/** Lines from `next(i)` (i = 0, 1, …; null ends) as a stream of ~1 MiB chunks. */
function lines(next) {
  let i = 0;
  return Readable.from(
    (function* () {
      let buf = '';
      for (;;) {
        const l = next(i++);
        if (l === null) break;
        buf += l;
        if (buf.length >= 1 << 20) {
          yield buf;
          buf = '';
        }
      }
      if (buf) yield buf;
    })(),
  );
}

/** Until `bytes` are written: `next(i)` lines. */
function sized(bytes, next) {
  let written = 0;
  return lines((i) => {
    if (written >= bytes) return null;
    const l = next(i);
    written += l.length;
    return l;
  });
}

/** One CRI pull that never ends: a PullImage line, then `bytes` of requests and responses (a new blob each). */
export function onePull(file, bytes) {
  return pipeline(
    sized(bytes, (i) => (i === 0 ? pullImage(0, 'mirror-doctor-demo:1.0') + resolving(0) : i % 2 ? doRequest(i, digest(i >> 1)) : response(i, digest((i - 1) >> 1)))),
    createWriteStream(file),
  );
}

/** The same `do request` line over and over (`bytes` of it), gzipped: a small file of a huge log. */
export function identicalLinesGz(file, bytes) {
  const line = doRequest(1, digest(1));
  return pipeline(
    sized(bytes, (i) => (i === 0 ? pullImage(0, 'mirror-doctor-demo:1.0') + resolving(0) : line)),
    createGzip({ level: 9 }),
    createWriteStream(file),
  );
}

/** `count` CRI pulls of different images that never end (a PullImage line each, nothing else). */
export function endlessPulls(file, count) {
  return pipeline(
    lines((i) => (i < count ? pullImage(i, `registry-${i % 97}.example/app-${i}:v${i}`) : null)),
    createWriteStream(file),
  );
}

/** A config.toml of `bytes` made of tiny tables (`[t0]`, `[t1]`, …) after a real header. */
export function tinyTablesToml(file, bytes) {
  return pipeline(
    sized(bytes, (i) => (i === 0 ? 'version = 2\n' : `[t${i.toString(36)}]\n`)),
    createWriteStream(file),
  );
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const [kind, file, size] = process.argv.slice(2);
  const n = Number(size ?? 100);
  const gen = { onePull: () => onePull(file, n * 2 ** 20), identicalLinesGz: () => identicalLinesGz(file, n * 2 ** 20), endlessPulls: () => endlessPulls(file, n), tinyTablesToml: () => tinyTablesToml(file, n * 2 ** 20) }[kind];
  if (!gen || !file) {
    console.error('usage: degenerate-inputs.mjs onePull|identicalLinesGz|tinyTablesToml FILE MB, or endlessPulls FILE COUNT');
    process.exit(2);
  }
  await gen();
}
