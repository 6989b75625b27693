/**
 * `check` without an image reference: which image it pulls, asked on a terminal (as the
 * walkthrough asks), else said on stderr before anything is pulled, with where it came from.
 */
import { createInterface } from 'node:readline/promises';
import type { Facts } from '../checks/facts.js';
import { parseCriReference } from '../containerd/reference.js';
import { defaultRefFor } from '../probe/checked-ref.js';
import { UsageError } from '../errors.js';

export type Registries = Array<{ registry: string; folder: string }>;

/** The line `check` prints on stderr when it picks the image itself (off a terminal). */
export function refNotice(suggested: Facts['ref'], registries: Registries): string {
  if (suggested.source === 'default') return 'mirror-doctor: no image given and no hosts folder names a registry: checking the files only, nothing is pulled; pass an image to trace real pulls\n';
  const first = registries[0];
  return `mirror-doctor: no image given: pulling ${suggested.input}, for ${first?.registry ?? 'the registry'} — the first registry in the hosts folders, those with a mirror first (${suggested.folder ?? first?.folder ?? '?'}); pass an image to check another\n`;
}

/** The question, with the images offered (one per registry the hosts folders name). */
export function refQuestion(registries: Registries): { text: string; choices: string[] } {
  const choices = [...new Set(registries.map((r) => defaultRefFor(r.registry)))];
  if (choices.length === 0) return { text: 'No image given, and no hosts folder names a registry.\nImage to pull (Enter: check the files only, nothing is pulled): ', choices };
  const lines = ['No image given. Which image should check pull (into the node\'s image store, through its hosts folders)?'];
  choices.forEach((c, i) => {
    const from = registries.filter((r) => defaultRefFor(r.registry) === c).map((r) => r.folder);
    lines.push(`  ${i + 1}) ${c}   (${from.join(', ')})`);
  });
  return { text: `${lines.join('\n')}\nNumber or image reference (Enter: 1): `, choices };
}

/** What an answer picks: a ref, null (keep the suggestion), or an error text to ask again. */
export function readAnswer(answer: string, choices: string[]): { ref: string | null } | { again: string } {
  const a = answer.trim();
  if (a === '') return { ref: choices[0] ?? null };
  if (/^\d+$/.test(a)) {
    const n = Number(a);
    return n >= 1 && n <= choices.length ? { ref: choices[n - 1]! } : { again: `${a} is not one of the numbers offered` };
  }
  const parsed = parseCriReference(a);
  return parsed.ok ? { ref: a } : { again: `${JSON.stringify(a)} is not an image reference: ${parsed.error}` };
}

/** Asks on the terminal (at most 3 times); the answer's ref, or null to keep the suggestion. */
export async function askRef(registries: Registries, io: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream }): Promise<string | null> {
  const q = refQuestion(registries);
  const rl = createInterface({ input: io.input, output: io.output, terminal: true });
  try {
    let text = q.text;
    for (let i = 0; i < 3; i++) {
      const r = readAnswer(await rl.question(text), q.choices);
      if ('ref' in r) return r.ref;
      text = `${r.again}; ${q.choices.length ? 'a number or an image reference' : 'an image reference, or Enter'}: `;
    }
  } finally {
    rl.close();
  }
  throw new UsageError('no usable image reference was given', 'pass one: mirror-doctor check docker.io/library/nginx:latest');
}
