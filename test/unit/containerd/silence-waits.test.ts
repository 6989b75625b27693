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
    // CRI's image_pull_progress_timeout: 1.7 fails the pull (no fallback), 2.1's transfer service does not count the manifest, 1.6 has none
    expect(silenceVerdict('1.7.24', 'response-header')).toMatch(/ctr waits until Ctrl-C; measured: still waiting after 150 s; a CRI pull \(kubelet's\) is cancelled and fails after image_pull_progress_timeout without progress \(5 min by default; measured with it set to 15 s: failed after 20 s with "cancel pulling image … because of no progress in 15s".*v1\.7\.24\/pkg\/cri\/server\/image_pull\.go/);
    expect(silenceVerdict('2.1.9', 'body')).toMatch(/a CRI pull \(kubelet's\) is not cancelled either while it fetches the manifest.*only counts layer downloads.*measured with it set to 15 s: still waiting after 75 s/);
    expect(silenceVerdict('1.6.20', 'response-header')).not.toMatch(/image_pull_progress_timeout/);
    expect(silenceVerdict('1.6.20', 'body')).toMatch(/hangs until its caller's own deadline \(ctr's Ctrl-C; kubelet sets none on PullImage\)/);
    // an unmeasured version: the transport's defaults, without "measured"
    expect(silenceVerdict('2.0.4', 'connect')).toBe('containerd 2.0.4 tries the next host after 30 s, and waits again for every blob it has to fetch, since each fetch starts at the first host');
    expect(silenceVerdict('1.7.24', null)).toMatch(/could not be told from here/);
  });
});
