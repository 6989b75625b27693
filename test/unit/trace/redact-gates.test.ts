/**
 * redact() skips a rule when a cheap necessary condition for it fails; that must never change its
 * result. Compared with redactEveryRule() (every rule, no gates) on the secrets corpus' shapes and
 * on many random strings built from the words, separators and quoting the rules look for.
 */
import { describe, expect, it } from 'vitest';
import { jsonMayHoldSecret, mayRedact, redact, redactEveryRule } from '../../../src/report/redact.js';
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

  it('jsonMayHoldSecret(JSON text) is false only when no string in it, nor the text, has anything to redact', () => {
    const r = rng(7);
    // a gate's word followed by a character that JSON escapes (the escape must still pass the gate)
    const extra = ['api"key', 'api\\key', 'API\tKEY', 'api\u0001key', 'api\ud800key', 'apixkey', '-u\n', '-p\u0000', 'x-u"', 'token"', 'Secret\\', 'passwd\u0002', 'auth"', '-u\ud800', '--user\t'];
    const harmless = ['api', 'key', 'API', 'KEY', '-', 'u', 'p', '-x', 'host', 'http://', 'https://h/', ' ', '"', '\\', '\n', '\t', '\u0001', '\ud800', 'ü', '–', 'a', '1', ':', '=', '.'];
    const words = [...WORDS, ...extra];
    const pick = () => (r() < 0.75 ? harmless[Math.floor(r() * harmless.length)] : words[Math.floor(r() * words.length)]) as string;
    let clean = 0;
    for (let i = 0; i < 40000; i++) {
      const strs: string[] = [];
      for (let k = 0; k < 3; k++) {
        let s = '';
        for (let j = 0; j < 1 + Math.floor(r() * 5); j++) s += pick();
        strs.push(s);
      }
      const text = JSON.stringify({ a: strs[0], b: [strs[1], strs[2]] });
      if (jsonMayHoldSecret(text)) continue;
      clean++;
      for (const s of strs) expect(redactEveryRule(s), JSON.stringify(s)).toBe(s);
      expect(redactEveryRule(text)).toBe(text);
    }
    expect(clean).toBeGreaterThan(1000);
  });

  it('mayRedact(text) false: no suffix of the text has anything to redact either (a URL\'s path)', () => {
    const r = rng(21);
    const harmless = ['/v2/', 'x', '?ns=docker.io', '&', '=', '-', 'u', 'p', 'a', ' ', '"', 'http://h', ':5000', 'sha256:ab'];
    const pick = () => (r() < 0.7 ? harmless[Math.floor(r() * harmless.length)] : WORDS[Math.floor(r() * WORDS.length)]) as string;
    let clean = 0;
    for (let i = 0; i < 20000; i++) {
      let s = '';
      for (let j = 0; j < 1 + Math.floor(r() * 8); j++) s += pick();
      if (mayRedact(s)) continue;
      clean++;
      for (let k = 0; k < s.length; k++) expect(redactEveryRule(s.slice(k)), JSON.stringify(s.slice(k))).toBe(s.slice(k));
    }
    expect(clean).toBeGreaterThan(2000);
  });
});
