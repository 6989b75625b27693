/**
 * check without an image: the line it prints off a terminal (which image, which folder named its
 * registry, or that nothing is pulled), the question on a terminal, and how an answer is read.
 */
import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { askRef, readAnswer, refNotice, refQuestion } from '../../../src/cli/ref-prompt.js';
import { DEFAULT_REF } from '../../../src/probe/checked-ref.js';

const REGISTRIES = [
  { registry: 'docker.io', folder: '/etc/containerd/certs.d/docker.io' },
  { registry: 'registry.local:5000', folder: '/etc/containerd/certs.d/registry.local_5000_' },
];

describe('check without an image', () => {
  it('off a terminal: says which image and which folder named its registry', () => {
    expect(refNotice({ input: DEFAULT_REF, source: 'hosts-folder', folder: REGISTRIES[0]!.folder }, REGISTRIES)).toBe(
      'mirror-doctor: no image given: pulling docker.io/library/busybox:latest, for docker.io — the first registry in the hosts folders, those with a mirror first (/etc/containerd/certs.d/docker.io); pass an image to check another\n',
    );
  });

  it('off a terminal, no registry folder: says that nothing is pulled', () => {
    expect(refNotice({ input: DEFAULT_REF, source: 'default' }, [])).toMatch(/^mirror-doctor: no image given and no hosts folder names a registry: checking the files only, nothing is pulled/);
  });

  it('on a terminal: one numbered image per registry, with its folder', () => {
    const q = refQuestion(REGISTRIES);
    expect(q.choices).toEqual([DEFAULT_REF, 'registry.local:5000/library/busybox:latest']);
    expect(q.text).toContain('  1) docker.io/library/busybox:latest   (/etc/containerd/certs.d/docker.io)');
    expect(q.text).toContain('  2) registry.local:5000/library/busybox:latest   (/etc/containerd/certs.d/registry.local_5000_)');
  });

  it.each([
    ['', { ref: DEFAULT_REF }],
    ['2', { ref: 'registry.local:5000/library/busybox:latest' }],
    [' registry.local:5000/app:1.0 ', { ref: 'registry.local:5000/app:1.0' }],
    ['3', { again: '3 is not one of the numbers offered' }],
    ['Nginx:lat est', { again: expect.stringMatching(/^"Nginx:lat est" is not an image reference/) }],
  ])('answer %j', (answer, want) => {
    expect(readAnswer(answer, refQuestion(REGISTRIES).choices)).toEqual(want);
  });

  it('no registry folder: Enter keeps the files-only check', () => {
    expect(readAnswer('', [])).toEqual({ ref: null });
  });

  it('asks again after a bad answer, then takes a good one', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (d) => (shown += String(d)));
    const picked = askRef(REGISTRIES, { input, output });
    input.write('9\n');
    await new Promise((r) => setTimeout(r, 20));
    input.write('2\n');
    expect(await picked).toBe('registry.local:5000/library/busybox:latest');
    expect(shown).toContain('9 is not one of the numbers offered');
  });
});
