/**
 * redact() skips a rule when a cheap necessary condition for it fails; that must never change its
 * result. Compared with redactEveryRule() (every rule, no gates) on the secrets corpus' shapes and
 * on many random strings built from the words, separators and quoting the rules look for.
 */
import { describe, expect, it } from 'vitest';
import { mayRedact, redact, redactEveryRule } from '../../../src/report/redact.js';
import { rng } from '../../helpers/rng.js';

const WORDS = [
  'Authorization', 'authorization', 'Proxy-Authorization', 'cookie', 'Set-Cookie', 'x-registry-auth', 'X-Auth-Token', 'x-api-key',
  'Bearer', 'basic', 'BASIC', 'realm', 'token', 'access_token', 'Refresh_Token', 'id_token', 'identitytoken', 'registry_token',
  'client_secret', 'secret', 'password', 'passwd', 'PassWord', 'auth', 'auths', 'apikey', 'api_key', 'api-key', 'unauthorized',
  'tls-unknown-authority', '--user', '-u', '--creds', '--password', '-p', '--auth', '-up', 'https://', 'http://', 'user:pw@',
  '@', 'h.example', '/v2/', '?', '&', '=', ':', ': ', '"', '\\"', '\\\\\\"', '\\', '\\n', '\n', '\r', ' ', '  ', '\t', ',', '{', '}',
  '[', ']', ';', "'", 'msg=', '.', '.0', 'request.header.', 'abc123', 'eyJhbGciOi.x-y_z', 'sha256:0a1b', '[REDACTED]', 'İ', 'K', '\u00a0', '\u2028',
  // whole secrets, so that a good share of the strings has something to redact
  'Authorization: Bearer abcd1234', 'Basic dXNlcjpwdw==', '"token":"abc"', '\\"password\\":\\"x\\"', 'password=xyz', 'https://u:p@h/', ' -u a:b', 'cookie=s1',
];


describe('redact() gates', () => {
  it('agree with running every rule, on 40,000 random strings', () => {
    const r = rng(1234);
    let changed = 0;
    for (let i = 0; i < 40000; i++) {
      let s = '';
      const n = 1 + Math.floor(r() * 14);
      for (let k = 0; k < n; k++) s += WORDS[Math.floor(r() * WORDS.length)] as string;
      const want = redactEveryRule(s);
      if (want !== s) changed++;
      expect(redact(s), JSON.stringify(s)).toBe(want);
    }
    expect(changed).toBeGreaterThan(8000); // the corpus really exercises the rules
  });

  it('agree on JSON texts that embed such strings', () => {
    const r = rng(99);
    for (let i = 0; i < 5000; i++) {
      const v: Record<string, string> = {};
      for (let k = 0; k < 4; k++) {
        let s = '';
        for (let j = 0; j < 1 + Math.floor(r() * 8); j++) s += WORDS[Math.floor(r() * WORDS.length)] as string;
        v[['error', 'url', 'verdict', 'challenge'][k] as string] = s;
      }
      for (const text of [JSON.stringify(v), JSON.stringify(v, null, 2)]) expect(redact(text), text).toBe(redactEveryRule(text));
    }
  });

  // mayRedact() passes over a text without whitespace, quotes, `=`, `@`, brackets, braces, a backslash, `,`,
  // `;` or `&` (but a trailing `?ns=…`) in one scan: such texts built from every word the rules look for
  it('mayRedact(text) false: no rule changes the text, also for texts made of the rules\' words without separators', () => {
    const r = rng(21);
    const plain = [
      'authorization', 'Authorization:', 'proxy-authorization', 'cookie', 'Set-Cookie:', 'x-registry-auth', 'x-api-key', 'Bearer', 'basic',
      'token', 'access_token', 'secret', 'password', 'passwd', 'auth', 'api_key', 'sig', 'signature', 'x-amz-signature', 'credential',
      '--user', '-u', '--creds', '-p', '--auth', 'msg', 'request.header.', '.header.', 'http://', 'https://', 'h.example', ':5000', '/v2/',
      '/manifests/', 'sha256:0a1b', '?', '?ns=', '?ns=docker.io', 'ns', ':', '.', '-', '_', '/', 'x', 'İ', 'K', 'ü',
    ];
    const pick = () => (r() < 0.9 ? plain[Math.floor(r() * plain.length)] : WORDS[Math.floor(r() * WORDS.length)]) as string;
    let clean = 0;
    for (let i = 0; i < 40000; i++) {
      let s = '';
      for (let j = 0; j < 1 + Math.floor(r() * 8); j++) s += pick();
      if (mayRedact(s)) continue;
      clean++;
      expect(redactEveryRule(s), JSON.stringify(s)).toBe(s);
    }
    expect(clean).toBeGreaterThan(8000);
  });
});
