/**
 * Mirrors written as inline tables under `[host]` (`"https://m" = { … }`): containerd 2.x drops them;
 * 1.x tries them before every `[host."…"]` table, two or more in an order that changes per pull.
 */
import { parse as parseToml, stringify as stringifyToml } from 'smol-toml';
import { isInlineHost } from '../containerd/hosts-toml-host-table.js';
import { scanToml } from '../containerd/toml-scan.js';
import type { HostDirView } from './derived.js';
import { hostsFile, selectedHostDirs, viewDecisions } from './derived.js';
import type { Finding } from './finding.js';
import type { Check } from './types.js';
import { decisionEvidence, finding, quote } from './make.js';

function tableFix(v: HostDirView, name: string): string {
  try {
    const data = parseToml(v.hostsTomlText ?? '') as Record<string, unknown>;
    const host = (data.host as Record<string, unknown> | undefined)?.[name];
    if (host && typeof host === 'object') return stringifyToml({ host: { [name]: host } }).trim();
  } catch {
    /* fall through */
  }
  return `[host.${quote(name)}]\n  capabilities = ["pull", "resolve"]`;
}

export const inlineHostDropped: Check = {
  id: 'hosts-toml-inline-host-dropped',
  run(facts, d) {
    const out: Finding[] = [];
    for (const v of selectedHostDirs(d)) {
      for (const x of viewDecisions(v, 'hosts-toml.host-dropped')) {
        const name = /mirror "((?:[^"\\]|\\.)*)"/.exec(x.message)?.[1] ?? 'https://mirror.example.com';
        out.push(
          finding('hosts-toml-inline-host-dropped', {
            detail: `${x.message}.`,
            evidence: decisionEvidence(facts.snapshot, x),
            fix: [`replace it in ${hostsFile(v)} with a table:\n${tableFix(v, name)}`],
          }),
        );
      }
    }
    return out;
  },
};

export const inlineOrderRandom: Check = {
  id: 'hosts-toml-inline-order-random',
  run(facts, d) {
    return selectedHostDirs(d).flatMap((v) =>
      viewDecisions(v, 'hosts-toml.inline-order-random').map((x) => {
        const scan = scanToml(v.hostsTomlText ?? '');
        const names = [...new Set(scan.keyValues.filter((kv) => kv.path.length === 2 && kv.path[0] === 'host').map((kv) => kv.path[1]!))].filter((n) => isInlineHost(scan, n));
        const ipv6 = names.filter((n) => n.includes('['));
        return finding('hosts-toml-inline-order-random', {
          detail: `${x.message}. A pull may ask any of them first, so one that fails or serves other content makes pulls slow or different only now and then.`,
          evidence: decisionEvidence(facts.snapshot, x),
          fix:
            ipv6.length > 0
              ? [`name ${ipv6.map(quote).join(', ')} by a DNS name (or an /etc/hosts entry): containerd 1.x reads an IPv6 host only inline; then write every mirror in ${hostsFile(v)} as a [host."…"] table, in the order they should be tried`]
              : [`replace the inline entries in ${hostsFile(v)} with tables, in the order they should be tried:\n${names.map((n) => tableFix(v, n)).join('\n\n')}`],
        });
      }),
    );
  },
};
