/**
 * tokenFailure and tokenUnreadable on the errors real pulls ended with (ctr's last line in the
 * token-auth, token-server-unreachable and token-server-web-page recordings): the token request
 * they name and how it failed, or the token answer containerd could not read.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tokenFailure, tokenUnreadable } from '../../../src/trace/classify.js';
import { FIXTURES } from '../../helpers/facts-fixture.js';

const ctrError = (v: string, scenario: string, variant: string) =>
  readFileSync(join(FIXTURES, 'lab', v, scenario, variant, 'stderr.txt'), 'utf8').split('\n').find((l) => l.startsWith('ctr: '))!.slice(5);

describe('tokenFailure', () => {
  it.each(['1.6', '1.7', '2.1'])('%s: a token server where nothing listens', (v) => {
    expect(tokenFailure(ctrError(v, 'token-server-unreachable', 'ctr-hosts-dir'))).toEqual({
      url: 'http://127.0.0.1:5103/token?scope=repository%3Alibrary%2Fmirror-doctor-demo%3Apull&service=mirror-doctor-lab',
      host: '127.0.0.1:5103',
      outcome: 'connection-refused',
      cause: 'dial tcp 127.0.0.1:5103: connect: connection refused',
    });
  });

  it.each(['1.7', '2.1'])('%s: wrong credentials, refused by the token server', (v) => {
    expect(tokenFailure(ctrError(v, 'token-auth', 'ctr-hosts-dir-wrong-user'))).toEqual({
      url: 'http://127.0.0.1:5119/token?scope=repository%3Alibrary%2Fmirror-doctor-demo%3Apull&service=mirror-doctor-lab',
      host: '127.0.0.1:5119',
      outcome: 'unauthorized',
      cause: '401 Unauthorized',
    });
  });

  it('1.6 names no URL for a refused token request: nothing to attribute', () => {
    expect(ctrError('1.6', 'token-auth', 'ctr-hosts-dir-wrong-user')).toMatch(/failed to fetch oauth token: unexpected status: 401 Unauthorized$/);
    expect(tokenFailure(ctrError('1.6', 'token-auth', 'ctr-hosts-dir-wrong-user'))).toBeNull();
  });

  it.each(['1.6', '1.7', '2.1'])('%s: a token without pull access is no failed token request', (v) => {
    expect(tokenFailure(ctrError(v, 'token-auth', 'ctr-hosts-dir'))).toBeNull();
  });
});

describe('tokenUnreadable', () => {
  it.each(['1.6', '1.7', '2.1'])('%s: a token server that answered with a web page', (v) => {
    const e = ctrError(v, 'token-server-web-page', 'ctr-hosts-dir');
    expect(tokenUnreadable(e)).toBe("unable to decode token response: invalid character '<' looking for beginning of value");
    // no token request named, so no failed one
    expect(tokenFailure(e)).toBeNull();
  });

  it.each(['1.6', '1.7', '2.1'])('%s: other token errors are not unreadable answers', (v) => {
    for (const [scenario, variant] of [['token-server-unreachable', 'ctr-hosts-dir'], ['token-auth', 'ctr-hosts-dir'], ['token-auth', 'ctr-hosts-dir-wrong-user']] as const) {
      expect(tokenUnreadable(ctrError(v, scenario, variant)), `${scenario}/${variant}`).toBeNull();
    }
  });
});
