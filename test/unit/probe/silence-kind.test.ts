import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ctrSilenceKind, endpointOf, socketStatesTo } from '../../../src/probe/silence-kind.js';

describe('the kind of a ctr stall', () => {
  it('is a response stall once ctr logged the connection, whatever the scheme', () => {
    expect(ctrSilenceKind('http', true, [])).toBe('response-header');
    expect(ctrSilenceKind('https', true, [])).toBe('response-header');
  });
  it('over http, no connection logged means the connect never completed', () => {
    expect(ctrSilenceKind('http', false, [])).toBe('connect');
  });
  it('over https, the socket state tells a connect from a TLS handshake, and nothing is guessed without one', () => {
    expect(ctrSilenceKind('https', false, ['SYN_SENT'])).toBe('connect');
    expect(ctrSilenceKind('https', false, ['ESTABLISHED'])).toBe('tls-handshake');
    expect(ctrSilenceKind('https', false, [])).toBeNull();
  });
});

describe('endpointOf', () => {
  it("takes the URL's port, else the scheme's", () => {
    expect(endpointOf('http://127.0.0.1:5107/v2/x', '127.0.0.1:5107')).toEqual({ endpoint: '127.0.0.1:5107', scheme: 'http' });
    expect(endpointOf('https://10.0.0.1/v2/', '10.0.0.1')).toEqual({ endpoint: '10.0.0.1:443', scheme: 'https' });
    expect(endpointOf(null, 'mirror.local:5000')).toEqual({ endpoint: 'mirror.local:5000', scheme: 'https' });
  });
});

describe('socketStatesTo', () => {
  it('reads the states of the sockets whose remote end is the endpoint', () => {
    const dir = mkdtempSync(join(tmpdir(), 'md-silence-kind-'));
    mkdirSync(join(dir, 'net'));
    // two sockets from a real /proc/net/tcp layout: 127.0.0.1:40000 -> 127.0.0.1:5107 in SYN_SENT (02) and the listener
    writeFileSync(
      join(dir, 'net', 'tcp'),
      [
        '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
        '   0: 0100007F:13F3 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1111 1 0000000000000000 100 0 0 10 0',
        '   1: 0100007F:9C40 0100007F:13F3 02 00000001:00000000 01:00000064 00000002     0        0 2222 1 0000000000000000 100 0 0 10 0',
      ].join('\n'),
    );
    expect(socketStatesTo('127.0.0.1:5107', dir)).toEqual(['SYN_SENT']);
    expect(socketStatesTo('127.0.0.1:5108', dir)).toEqual([]);
  });
});
