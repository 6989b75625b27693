import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { buildTestImage, MEDIA } from '../../../src/lab/test-image.js';
import { buildTar } from '../../../src/lab/tar.js';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** Reads the entry names back from a ustar archive. */
function tarNames(tar: Buffer): string[] {
  const names: string[] = [];
  let off = 0;
  while (off + 512 <= tar.length) {
    const h = tar.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const name = h.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(h.subarray(124, 136).toString('ascii').replace(/\0.*$/s, ''), 8);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
    expect(parseInt(h.subarray(148, 154).toString('ascii'), 8)).toBe(sum);
    names.push(name);
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return names;
}

describe('buildTar', () => {
  it('writes ustar headers with valid checksums, padded to 512-byte blocks', () => {
    const tar = buildTar([{ path: 'etc' }, { path: 'etc/a.txt', content: Buffer.from('hello') }]);
    expect(tar.length % 512).toBe(0);
    expect(tarNames(tar)).toEqual(['etc/', 'etc/a.txt']);
    expect(tar.subarray(1024, 1029).toString()).toBe('hello');
  });
  it('refuses a path ustar cannot hold', () => {
    expect(() => buildTar([{ path: 'x'.repeat(101), content: Buffer.alloc(0) }])).toThrow(/too long/);
  });
});

describe('buildTestImage', () => {
  const img = buildTestImage();

  it('is deterministic: the same digests on every build', () => {
    expect(buildTestImage().index.digest).toBe(img.index.digest);
  });

  it('has three layers whose config diff_ids match the uncompressed tars', () => {
    expect(img.layers).toHaveLength(3);
    const config = JSON.parse(img.config.data.toString());
    expect(config.rootfs.diff_ids).toEqual(img.layers.map((l) => sha(gunzipSync(l.data))));
    expect(tarNames(gunzipSync(img.layers[1]!.data))).toEqual(['app/', 'app/hello.txt']);
  });

  it('links index → manifest → config and layers by digest and size', () => {
    const index = JSON.parse(img.index.data.toString());
    expect(index.mediaType).toBe(MEDIA.index);
    expect(index.manifests[0]).toMatchObject({ digest: img.manifest.digest, size: img.manifest.size, platform: { os: 'linux', architecture: 'amd64' } });
    const manifest = JSON.parse(img.manifest.data.toString());
    expect(manifest.config.digest).toBe(sha(img.config.data));
    expect(manifest.layers.map((l: { digest: string }) => l.digest)).toEqual(img.layers.map((l) => sha(l.data)));
  });

  it('a variant changes every digest; filler makes a big incompressible layer', () => {
    const other = buildTestImage({ variant: 'x', fillerBytes: 1 << 20 });
    expect(other.index.digest).not.toBe(img.index.digest);
    expect(other.layers[2]!.size).toBeGreaterThan(1 << 20);
  });
});
