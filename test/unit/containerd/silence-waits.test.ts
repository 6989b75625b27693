import { describe, expect, it } from 'vitest';
import { SILENCE_KINDS, SILENCE_WAITS, measuredVersion, silenceVerdict } from '../../../src/containerd/silence-waits.js';

describe('silence waits (measured in the lab)', () => {
  it('has a ctr and a CRI row for every measured version and kind', () => {
    for (const version of ['1.6', '1.7', '2.1'] as const) {
      for (const kind of SILENCE_KINDS) {
        expect(SILENCE_WAITS.filter((r) => r.version === version && r.kind === kind).map((r) => r.client).sort(), `${version} ${kind}`).toEqual(['cri', 'ctr']);
      }
    }
  });

  it('a silence after the connect is never given up; a connect or TLS stall is, after its timeout', () => {
    for (const r of SILENCE_WAITS) {
      if (r.kind === 'response-header' || r.kind === 'body') expect(r.fallbackS, `${r.version} ${r.kind} ${r.client}`).toBeNull();
      else expect(r.fallbackS, `${r.version} ${r.kind} ${r.client}`).not.toBeNull();
    }
  });

  it('maps daemon versions to the measured ones', () => {
    expect(measuredVersion('1.7.24~ds1')).toBe('1.7');
    expect(measuredVersion('v2.1.9')).toBe('2.1');
    expect(measuredVersion('2.0.4')).toBeNull();
    expect(measuredVersion(null)).toBeNull();
  });

  it('states per version and kind what containerd does, with the timeout behind it', () => {
    expect(silenceVerdict('1.6.20', 'connect')).toMatch(/^containerd 1\.6\.20 tries the next host after ~30 s \(measured\).*dial Timeout 30 s: https:\/\/github\.com\/containerd\/containerd\/blob\/v1\.6\.20\//);
    expect(silenceVerdict('2.1.9', 'tls-handshake')).toMatch(/^containerd 2\.1\.9 tries the next host after ~10 s \(measured\).*TLSHandshakeTimeout 10 s: .*v2\.1\.9\/core\/remotes\/docker\/registry\.go/);
    expect(silenceVerdict('1.7.24', 'response-header')).toMatch(/^containerd 1\.7\.24 never gives up on a mirror that accepted the connection and does not answer.*still waiting after 150 s/);
    expect(silenceVerdict('1.7.24', 'body')).toMatch(/^containerd 1\.7\.24 never gives up on a mirror that stops sending a body/);
    // an unmeasured version: the transport's defaults, without "measured"
    expect(silenceVerdict('2.0.4', 'connect')).toBe('containerd 2.0.4 tries the next host after 30 s, and waits again for every blob it has to fetch, since each fetch starts at the first host');
    expect(silenceVerdict('1.7.24', null)).toMatch(/could not be told from here/);
  });
});
