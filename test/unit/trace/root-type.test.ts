/**
 * What the tag resolved to, by media type: ctr 2.x's transfer progress names each root as
 * `<media type> <digest>`; an index or manifest is an image, anything else (a web page) is not.
 * On the lines ctr printed in the lab, and on whole recorded pulls.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ctrRootLine, notAnImage } from '../../../src/trace/root-type.js';
import { parseTraceText } from '../../../src/trace/index.js';

const LAB = join(import.meta.dirname, '../../fixtures/lab/2.1');
const stdout = (scenario: string, variant: string) => readFileSync(join(LAB, scenario, variant, 'stdout.txt'), 'utf8');
const INDEX = 'sha256:5770e110a8ecc7102d4406d4b7663143a5e8b018316dd9ee1717eff852275691';
const PAGE = 'sha256:e0d6909d03a5fe694cf7afb2760145b259ff276d59b16dcd70a839ece23228c0';

describe('ctrRootLine', () => {
  it('reads the roots ctr printed, and nothing else of its progress', () => {
    const roots = (text: string) => [...new Set(text.split('\n').map(ctrRootLine).filter((r) => r !== null).map((r) => `${r.mediaType} ${r.digest}`))];
    expect(roots(stdout('mirror-ok', 'ctr-hosts-dir'))).toEqual([`application/vnd.oci.image.index.v1+json ${INDEX}`]);
    expect(roots(stdout('mirror-web-page', 'ctr-hosts-dir'))).toEqual([`text/html ${PAGE}`]);
  });

  it.each([
    ['application/vnd.oci.image.layer.v1.tar+gzip'],
    ['application/vnd.oci.image.config.v1+json'],
    ['application/vnd.docker.image.rootfs.diff.tar.gzip'],
    ['application/vnd.docker.container.image.v1+json'],
  ])('%s: a blob drawn before its parent is no root', (type) => {
    expect(ctrRootLine(`${type} ${INDEX}`)).toBeNull();
  });
});

describe('notAnImage', () => {
  it.each([
    ['application/vnd.oci.image.index.v1+json', false],
    ['application/vnd.oci.image.manifest.v1+json', false],
    ['application/vnd.docker.distribution.manifest.v2+json', false],
    ['application/vnd.docker.distribution.manifest.list.v2+json', false],
    ['text/html', true],
    ['text/plain', true],
    ['application/octet-stream', true],
  ] as const)('%s → %s', (type, not) => {
    expect(notAnImage(type)).toBe(not);
  });
});

describe('whole pulls', () => {
  const doc = (variant: string, scenario: string) => {
    const dir = join(LAB, scenario, variant);
    return parseTraceText(['stderr.txt', 'stdout.txt'].map((f) => readFileSync(join(dir, f), 'utf8')).join('\n'))[0]!;
  };
  it('an image: the root is its index, and the pull a success', () => {
    const d = doc('ctr-hosts-dir', 'mirror-ok');
    expect([d.rootMediaType, d.resolved.digest, d.result]).toEqual(['application/vnd.oci.image.index.v1+json', INDEX, 'success']);
  });
  it('a web page: ctr exited 0, and the pull failed', () => {
    const d = doc('ctr-hosts-dir', 'mirror-web-page');
    expect([d.rootMediaType, d.resolved.digest, d.result, d.error]).toEqual(['text/html', PAGE, 'failure', null]);
  });
});
