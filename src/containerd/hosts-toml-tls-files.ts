/**
 * The CA and client-certificate files a hosts.toml names, read leniently (any parser generation,
 * broken files give none) so the probe knows which files to look at.
 */
import { parse as parseToml } from 'smol-toml';
import { isTable } from './go-value.js';
import { makeAbsPath } from './host-config-parse.js';

/**
 * Every `ca`/`client` path a hosts.toml references (absolute), read leniently: used by the
 * probe to know which files to look at. Never throws.
 */
export function referencedTlsFiles(dir: string, text: string): string[] {
  let data: Record<string, unknown>;
  try {
    data = parseToml(text) as Record<string, unknown>;
  } catch {
    return [];
  }
  const out: string[] = [];
  const collect = (t: Record<string, unknown>) => {
    for (const key of ['ca', 'client']) {
      const v = t[key];
      const add = (x: unknown) => {
        if (typeof x === 'string') out.push(makeAbsPath(x, dir));
        else if (Array.isArray(x)) x.forEach(add);
      };
      add(v);
    }
  };
  collect(data);
  if (isTable(data.host)) for (const v of Object.values(data.host)) if (isTable(v)) collect(v);
  return [...new Set(out)];
}
