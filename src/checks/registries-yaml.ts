/**
 * k3s/RKE2 registries.yaml keys that k3s ignores. k3s decodes the file without complaint about
 * unknown keys, so a typo (`endpoint":`, `endpoints:`, `insecure-skip-verify:`) silently drops the
 * setting: a mirror with no endpoint is written without a mirror host (rancher/rke2#5612).
 */
import type { RegistriesYamlFact } from './facts.js';
import type { Evidence, Finding } from './finding.js';
import type { Check } from './types.js';
import { finding, quote, restartCommand } from './make.js';

/** The keys k3s's registries.yaml types know (docs.k3s.io/installation/private-registry), by depth. */
const KNOWN: Array<{ under: (p: string[]) => boolean; keys: readonly string[] }> = [
  { under: (p) => p.length === 0, keys: ['mirrors', 'configs'] },
  { under: (p) => p.length === 2 && p[0] === 'mirrors', keys: ['endpoint', 'rewrite'] },
  { under: (p) => p.length === 2 && p[0] === 'configs', keys: ['auth', 'tls'] },
  { under: (p) => p.length === 3 && p[0] === 'configs' && p[2] === 'auth', keys: ['username', 'password', 'auth', 'identitytoken'] },
  { under: (p) => p.length === 3 && p[0] === 'configs' && p[2] === 'tls', keys: ['ca_file', 'cert_file', 'key_file', 'insecure_skip_verify'] },
];

function known(parent: string[]): readonly string[] | null {
  return KNOWN.find((k) => k.under(parent))?.keys ?? null;
}

/** The known key a typo stands for: same letters once quotes, dashes and a plural s are dropped. */
function meant(key: string, keys: readonly string[]): string | null {
  const norm = (s: string) => s.toLowerCase().replace(/["'`\s]/g, '').replace(/-/g, '_');
  const k = norm(key);
  return keys.find((x) => x === k || `${x}s` === k || x === k.replace(/_/g, '') || x.replace(/_/g, '') === k.replace(/_/g, '')) ?? null;
}

export const registriesYamlUnknownKey: Check = {
  id: 'registries-yaml-unknown-key',
  run(facts) {
    const y: RegistriesYamlFact | undefined = facts.distribution.registriesYaml;
    if (!y || y.error !== undefined) return [];
    const out: Finding[] = [];
    const dist = facts.distribution.kind;
    for (const { path, line } of y.keys) {
      const parent = path.slice(0, -1);
      const keys = known(parent);
      const key = path[path.length - 1]!;
      if (keys === null || keys.includes(key)) continue;
      const guess = meant(key, keys);
      // a mirror left without any endpoint gets no mirror host at all
      const mirrorWithoutEndpoint =
        parent.length === 2 && parent[0] === 'mirrors' && !y.keys.some((k) => k.path.length === 3 && k.path[0] === 'mirrors' && k.path[1] === parent[1] && k.path[2] === 'endpoint');
      const where = parent.length ? parent.join('.') : 'the top level';
      const evidence: Evidence[] = [{ kind: 'file', source: y.path, line, text: `${key}:` }];
      out.push(
        finding('registries-yaml-unknown-key', {
          severity: mirrorWithoutEndpoint ? 'error' : 'warning',
          detail:
            `${quote(key)} is not a key ${dist} reads under ${where} (known: ${keys.join(', ')}); ${dist} ignores it without a word, so the setting is not applied.` +
            (guess ? ` Did you mean \`${guess}\`?` : '') +
            (mirrorWithoutEndpoint ? ` The mirror ${quote(parent[1]!)} is left with no endpoint, so ${dist} writes no mirror host for it and pulls go to the registry itself.` : ''),
          evidence,
          fix: [`in ${y.path} line ${line}, write ${guess ? `\`${guess}:\`` : `one of ${keys.map((k) => `\`${k}\``).join(', ')}`} instead of ${quote(`${key}:`)}`, restartCommand(facts)],
        }),
      );
    }
    return out;
  },
};
