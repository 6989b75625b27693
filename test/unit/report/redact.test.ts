/**
 * Redaction corpus: secrets in every position (dump headers, logfmt fields, TTY lines, JSON bodies
 * with plain and escaped quotes, query strings, form bodies, URLs, ctr arguments, journald and
 * journal-JSON wrappers) — none survives `redact()`, the JSON output, or the text output.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redact, redactedJsonText, redactJson, REDACTED } from '../../../src/report/redact.js';
import { parseTraceLines } from '../../../src/trace/index.js';
import { renderTraceText } from '../../../src/report/trace-text.js';
import { traceDocJson } from '../../../src/report/trace-json.js';
import { redactTraceDoc } from '../../../src/report/redact-trace.js';

const S = ['s3cr3tBasicCred0', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl', 'hunter2pass', 'rfrsh-T0K3N-9', 'sessi0nC00kie', 'acc3ssT0ken77', 'pr0xyCr3d', 'idT0k3nZZ', 'cl13ntS3cr3t'];
const [basic, jwt, pass, refresh, cookie, access, proxy, idtok, client] = S as [string, string, string, string, string, string, string, string, string];

const CORPUS: string[] = [
  `Authorization: Basic ${basic}`,
  `Authorization: Bearer ${jwt}`,
  `authorization:Bearer ${jwt}`,
  `Proxy-Authorization: Basic ${proxy}`,
  `Cookie: session=${cookie}; other=1`,
  `Set-Cookie: session=${cookie}; Path=/; HttpOnly`,
  `time="2026-11-27T23:32:54Z" level=info msg="Authorization: Basic ${basic}"`,
  `time="2026-11-27T23:32:54Z" level=info msg="Cookie: a=\\"${cookie}\\""`,
  `time="2026-11-27T23:32:54Z" level=debug msg="do request" request.header.authorization="Bearer ${jwt}" request.header.cookie="s=${cookie}" url="https://r/v2/"`,
  `time="2026-11-27T23:32:54Z" level=debug msg="fetch response received" response.header.set-cookie="s=${cookie}; Path=/"`,
  `INFO[0000] Authorization: Basic ${basic}`,
  `\x1b[36mINFO\x1b[0m[0000] Authorization: Bearer ${jwt}`,
  `{"token":"${jwt}","access_token":"${access}","expires_in":300,"refresh_token":"${refresh}","id_token":"${idtok}"}`,
  `{ "token" : "${jwt}" }`,
  `time="x" level=info msg="{\\"token\\":\\"${jwt}\\",\\"access_token\\":\\"${access}\\"}"`,
  `time="x" level=debug msg="token request failed" body="{\\"refresh_token\\":\\"${refresh}\\"}" status=400`,
  `grant_type=password&username=labuser&password=${pass}&client_id=containerd-client`,
  `grant_type=refresh_token&refresh_token=${refresh}&service=registry`,
  `GET /token?scope=repository%3Alib%3Apull&service=r&access_token=${access} HTTP/1.1`,
  `https://r.example/v2/?token=${jwt}&x=1`,
  `client_secret=${client}&a=b`,
  `https://labuser:${pass}@registry.example.com/v2/`,
  `url="http://user:${pass}@127.0.0.1:5101/v2/library/x/manifests/1.0?ns=docker.io"`,
  `ctr images pull --user labuser:${pass} docker.io/library/x:1`,
  `ctr images pull -u labuser:${pass} docker.io/library/x:1`,
  `["ctr","images","pull","--user","labuser:${pass}","x"]`,
  `crictl pull --creds=labuser:${pass} x`,
  `curl -u labuser:${pass} https://r.example/v2/`,
  `["ctr","images","pull","-u","labuser:${pass}","x"]`,
  `docker login -u labuser -p ${pass} r.example`,
  `nerdctl login r.example --username labuser -p=${pass}`,
  `["nerdctl","login","-u","labuser","-p","${pass}","r.example"]`,
  `docker login r.example --password ${pass}`,
  `Nov 27 23:31:59 node containerd[1]: time="x" level=info msg="Authorization: Bearer ${jwt}"`,
  JSON.stringify({ MESSAGE: `time="x" level=info msg="Authorization: Basic ${basic}"` }),
  `{"auths":{"r.example":{"auth":"${basic}","password":"${pass}"}}}`,
  `x-registry-auth: ${basic}`,
  `error="failed to fetch oauth token: unexpected status: 400 Bad Request (body {\\"password\\":\\"${pass}\\"})"`,
];

describe('redact()', () => {
  for (const [i, s] of CORPUS.entries()) {
    it(`corpus #${i}: ${s.slice(0, 60).replace(/\x1b/g, '⎋')}`, () => {
      const out = redact(s);
      for (const secret of S) expect(out, out).not.toContain(secret);
      expect(out).toContain(REDACTED);
      expect(redact(out)).toBe(out); // idempotent
    });
  }

  it('a presigned URL inside JSON text keeps its closing escaped quote (the JSON stays valid)', () => {
    const doc = { error: 'Get "http://storage:9000/b?X-Amz-Expires=600&X-Amz-Signature=abc123def": dial tcp: connect: connection refused' };
    const text = redactedJsonText(doc);
    expect(text).not.toContain('abc123def');
    expect(JSON.parse(text)).toEqual({ error: 'Get "http://storage:9000/b?X-Amz-Expires=600&X-Amz-Signature=[REDACTED]": dial tcp: connect: connection refused' });
    expect(redact(JSON.stringify(doc))).toBe(JSON.stringify({ error: doc.error.replace('abc123def', REDACTED) }));
  });

  it('keeps what is not a secret', () => {
    const keep = [
      'Www-Authenticate: Basic realm="mirror-doctor-lab"',
      'pull access denied, repository does not exist or may require authorization: authorization failed: no basic auth credentials',
      'failed to do request: Head "https://registry-1.docker.io/v2/library/x/manifests/1.0?ns=docker.io": dial tcp: lookup registry-1.docker.io: no such host',
      'time="2026-11-27T23:31:53Z" level=debug msg=resolved desc.digest="sha256:5770e110a8ecc7102d4406d4b7663143a5e8b018316dd9ee1717eff852275691" host="127.0.0.1:5101"',
      'docker.io/library/nginx@sha256:5770e110a8ecc7102d4406d4b7663143a5e8b018316dd9ee1717eff852275691',
      'authorization error using bearer token, retrying',
      // short options that carry no credential here: fix steps and evidence stay usable
      'mkdir -p /etc/containerd/certs.d/docker.io && $EDITOR /etc/containerd/certs.d/docker.io/hosts.toml',
      'ps -p 812 -o lstart=',
      'systemctl show containerd -p Environment',
      'sort -u hosts.txt',
      'ctr images pull -u labuser docker.io/library/x:1',
      'docker login r.example\nmkdir -p /etc/containerd/certs.d/r.example',
      '',
    ];
    for (const k of keep) expect(redact(k)).toBe(k);
  });

  it('redactJson() redacts every string and secret-named keys; the JSON text too', () => {
    const v = { a: [`Authorization: Bearer ${jwt}`], nested: { password: pass, url: `https://u:${pass}@h/` }, n: 1, t: null };
    const r = redactJson(v);
    expect(JSON.stringify(r)).not.toMatch(new RegExp(`${jwt}|${pass}`));
    expect(r.n).toBe(1);
    const text = redactedJsonText(CORPUS);
    for (const secret of S) expect(text).not.toContain(secret);
  });
});

describe('redaction end to end: parse output', () => {
  const LAB = join(import.meta.dirname, '../../fixtures/lab');
  const realBasic = Buffer.from('labuser:labpass').toString('base64');
  for (const s of ['1.6', '1.7', '2.1']) {
    it(`${s}/basic-auth/ctr-hosts-dir-user (real Authorization: Basic header in the dump)`, () => {
      const raw = readFileSync(join(LAB, s, 'basic-auth/ctr-hosts-dir-user/stderr.txt'), 'utf8');
      expect(raw).toContain(realBasic); // the fixture really has it
      const lines = raw.split('\n');
      // plus synthetic secrets in every position, spliced into the same stream
      const docs = parseTraceLines([...lines, ...CORPUS]);
      const json = redactedJsonText(docs);
      const text = renderTraceText(docs);
      for (const out of [json, text]) {
        expect(out).not.toContain(realBasic);
        expect(out).not.toContain('labpass');
        for (const secret of S) expect(out).not.toContain(secret);
      }
    });
  }
  it('errors carrying secrets are redacted wherever documents leave', () => {
    const docs = parseTraceLines([
      `time="2026-11-27T23:32:07Z" level=debug msg=resolving host="127.0.0.1:5103"`,
      `time="2026-11-27T23:32:07Z" level=info msg="trying next host" error="failed to do request: Head \\"http://u:${pass}@127.0.0.1:5103/v2/a/manifests/1?access_token=${access}\\": dial tcp 127.0.0.1:5103: connect: connection refused" host="127.0.0.1:5103"`,
      `ctr: failed to resolve reference "docker.io/a:1": failed to do request: Head "http://u:${pass}@127.0.0.1:5103/v2/a/manifests/1?token=${jwt}": dial tcp 127.0.0.1:5103: connect: connection refused`,
    ]);
    // the parser keeps what it read; each way out redacts
    expect(JSON.stringify(docs)).toContain(pass);
    for (const out of [JSON.stringify(docs.map(redactTraceDoc)), docs.map(traceDocJson).join('\n'), renderTraceText(docs)]) {
      for (const secret of [pass, access, jwt]) expect(out).not.toContain(secret);
    }
    expect(docs[0]?.attempts[0]?.outcome).toBe('connection-refused');
  });
});
