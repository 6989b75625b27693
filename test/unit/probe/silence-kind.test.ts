import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerBegan, ctrSilenceKind, endpointOf, parseSsTcpInfo, socketStatesTo } from '../../../src/probe/silence-kind.js';

describe('the kind of a ctr stall', () => {
  it('is a response stall once ctr logged the connection, whatever the scheme', () => {
    expect(ctrSilenceKind('http', true, [])).toBe('response-header');
    expect(ctrSilenceKind('https', true, [])).toBe('response-header');
  });
  it('a connected request whose host sent data after it is a body stall; unknown when that cannot be read', () => {
    expect(ctrSilenceKind('http', true, [], true)).toBe('body');
    expect(ctrSilenceKind('http', true, [], false)).toBe('response-header');
    expect(ctrSilenceKind('https', true, [], null)).toBeNull();
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
    try {
      expect(socketStatesTo('127.0.0.1:5107', dir)).toEqual(['SYN_SENT']);
      expect(socketStatesTo('127.0.0.1:5108', dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// `ss -tinH state established dst 127.0.0.1:23008` while ctr 1.7 waited on the lab's body-stall host:
// the resolve's HEAD (answered in full) and the manifest GET (headers and half the body, then nothing)
const SS_BODY_STALL = [
  '0      0      127.0.0.1:36362 127.0.0.1:23008',
  '\t bbr wscale:10,10 rto:204 rtt:0.03/0.014 ato:40 mss:32768 pmtu:65535 rcvmss:536 advmss:65483 cwnd:11 bytes_sent:344 bytes_acked:345 bytes_received:413 segs_out:4 segs_in:3 data_segs_out:1 data_segs_in:1 bbr:(bw:11915625000bps,mrtt:0.022,pacing_gain:2.88672,cwnd_gain:2.88672) send 96119466667bps lastsnd:2484 lastrcv:2480 lastack:2480 pacing_rate 233922295016bps delivery_rate 11915636360bps delivered:2 app_limited reordering:15 rcv_space:65495 rcv_ssthresh:65495 minrtt:0.022 snd_wnd:65536',
  '0      0      127.0.0.1:36372 127.0.0.1:23008',
  '\t bbr wscale:10,10 rto:204 rtt:0.02/0.009 ato:40 mss:32768 pmtu:65535 rcvmss:557 advmss:65483 cwnd:11 bytes_sent:277 bytes_acked:278 bytes_received:557 segs_out:4 segs_in:3 data_segs_out:1 data_segs_in:1 bbr:(bw:16384000000bps,mrtt:0.016,pacing_gain:2.88672,cwnd_gain:2.88672) send 144179200000bps lastsnd:2472 lastrcv:2472 lastack:2472 pacing_rate 356452999728bps delivery_rate 16384000000bps delivered:2 app_limited reordering:15 rcv_space:52224 rcv_ssthresh:52224 minrtt:0.016 snd_wnd:65536',
].join('\n');

describe('answerBegan', () => {
  it("reads each socket's counters from ss", () => {
    expect(parseSsTcpInfo(SS_BODY_STALL)).toEqual([
      { bytesReceived: 413, dataSegsOut: 1, lastSnd: 2484, lastRcv: 2480 },
      { bytesReceived: 557, dataSegsOut: 1, lastSnd: 2472, lastRcv: 2472 },
    ]);
  });
  it('the socket that sent last carries the waiting request: data on it after the send is a begun answer', () => {
    expect(answerBegan(parseSsTcpInfo(SS_BODY_STALL))).toBe(true);
  });
  it('no data on the waiting request, or only data from before it on a reused connection, is no answer', () => {
    const fresh = { bytesReceived: 0, dataSegsOut: 1, lastSnd: 1000, lastRcv: 1000 };
    expect(answerBegan([fresh])).toBe(false);
    // an earlier response (received 3 s ago), then the request (sent 2 s ago), then nothing
    expect(answerBegan([{ bytesReceived: 413, dataSegsOut: 2, lastSnd: 2000, lastRcv: 3000 }])).toBe(false);
    expect(answerBegan([{ bytesReceived: 900, dataSegsOut: 2, lastSnd: 2000, lastRcv: 1990 }])).toBe(true);
    expect(answerBegan([])).toBeNull();
  });
});
