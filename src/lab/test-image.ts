import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { buildTar, type TarEntry } from './tar.js';
import { basicAuth, httpCall } from './http-client.js';

/** The lab's test image, built in memory as an OCI image index → manifest → config + layers. */
export interface Blob {
  mediaType: string;
  digest: string;
  size: number;
  data: Buffer;
}

export interface TestImage {
  index: Blob;
  manifest: Blob;
  config: Blob;
  layers: Blob[];
}

export const MEDIA = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

function blob(mediaType: string, data: Buffer): Blob {
  return { mediaType, data, size: data.length, digest: `sha256:${createHash('sha256').update(data).digest('hex')}` };
}

function descriptor(b: Blob, extra: Record<string, unknown> = {}) {
  return { mediaType: b.mediaType, digest: b.digest, size: b.size, ...extra };
}

/** Deterministic pseudo-random bytes (incompressible filler for big layers, same bytes every run). */
function filler(size: number, seed: string): Buffer {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(seed).digest();
  for (let off = 0; off < size; off += block.length) {
    block.copy(out, off, 0, Math.min(block.length, size - off));
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

export interface TestImageOptions {
  /** extra incompressible bytes in the last layer (for large-image benchmarks) */
  fillerBytes?: number;
  /** a label that changes every digest, to make an image nobody has cached */
  variant?: string;
}

/** Three small layers (base files, an app, a config file), deterministic digests. */
export function buildTestImage(opts: TestImageOptions = {}): TestImage {
  const variant = opts.variant ?? 'v1';
  const layerEntries: TarEntry[][] = [
    [
      { path: 'etc' },
      { path: 'etc/os-release', content: Buffer.from('NAME="mirror-doctor lab"\nID=mirror-doctor-lab\n') },
      { path: 'etc/hostname', content: Buffer.from('lab\n') },
    ],
    [
      { path: 'app' },
      { path: 'app/hello.txt', content: Buffer.from(`hello from the mirror-doctor lab image (${variant})\n`) },
    ],
    [
      { path: 'app/config.json', content: Buffer.from(JSON.stringify({ variant, pulledThrough: 'a registry mirror' }) + '\n') },
      ...(opts.fillerBytes ? [{ path: 'app/filler.bin', content: filler(opts.fillerBytes, variant) }] : []),
    ],
  ];
  const tars = layerEntries.map((e) => buildTar(e));
  const layers = tars.map((t) => blob(MEDIA.layer, gzipSync(t, { level: opts.fillerBytes ? 1 : 9 })));
  const diffIds = tars.map((t) => `sha256:${createHash('sha256').update(t).digest('hex')}`);
  const config = blob(
    MEDIA.config,
    Buffer.from(
      JSON.stringify({
        created: '2023-11-14T22:13:20Z',
        architecture: 'amd64',
        os: 'linux',
        config: { Cmd: ['/app/hello.txt'], Labels: { 'org.opencontainers.image.title': 'mirror-doctor lab image', variant } },
        rootfs: { type: 'layers', diff_ids: diffIds },
        history: layerEntries.map((_, i) => ({ created: '2023-11-14T22:13:20Z', created_by: `mirror-doctor lab layer ${i + 1}` })),
      }),
    ),
  );
  const manifest = blob(
    MEDIA.manifest,
    Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.manifest, config: descriptor(config), layers: layers.map((l) => descriptor(l)) }),
    ),
  );
  const index = blob(
    MEDIA.index,
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA.index,
        manifests: [descriptor(manifest, { platform: { architecture: 'amd64', os: 'linux' } })],
      }),
    ),
  );
  return { index, manifest, config, layers };
}

export interface PushTarget {
  /** e.g. http://127.0.0.1:5101 */
  baseUrl: string;
  /** repository path, e.g. library/mirror-doctor-demo */
  repository: string;
  tag: string;
  ca?: string | Buffer;
  auth?: { user: string; password: string };
}

/** Pushes the image through the registry HTTP API (monolithic blob uploads, then manifest and index). */
export async function pushTestImage(image: TestImage, target: PushTarget): Promise<void> {
  const headers: Record<string, string> = target.auth ? { authorization: basicAuth(target.auth.user, target.auth.password) } : {};
  const common = { ...(target.ca ? { ca: target.ca } : {}), headers };
  const repoUrl = `${target.baseUrl}/v2/${target.repository}`;
  for (const b of [image.config, ...image.layers]) {
    const head = await httpCall(`${repoUrl}/blobs/${b.digest}`, { ...common, method: 'HEAD' });
    if (head.status === 200) continue;
    const start = await httpCall(`${repoUrl}/blobs/uploads/`, { ...common, method: 'POST', body: '' });
    const location = start.headers.location;
    if (start.status !== 202 || typeof location !== 'string') {
      throw new Error(`push ${b.digest}: upload start answered ${start.status} ${start.body.toString().slice(0, 200)}`);
    }
    const uploadUrl = new URL(location, target.baseUrl);
    uploadUrl.searchParams.set('digest', b.digest);
    const put = await httpCall(uploadUrl.toString(), {
      ...common,
      method: 'PUT',
      headers: { ...common.headers, 'content-type': 'application/octet-stream' },
      body: b.data,
      timeoutMs: 60_000,
    });
    if (put.status !== 201) throw new Error(`push ${b.digest}: upload answered ${put.status} ${put.body.toString().slice(0, 200)}`);
  }
  for (const [m, ref] of [
    [image.manifest, image.manifest.digest],
    [image.index, target.tag],
  ] as const) {
    const put = await httpCall(`${repoUrl}/manifests/${ref}`, {
      ...common,
      method: 'PUT',
      headers: { ...common.headers, 'content-type': m.mediaType },
      body: m.data,
    });
    if (put.status !== 201) throw new Error(`push manifest ${ref}: answered ${put.status} ${put.body.toString().slice(0, 300)}`);
  }
}
