/**
 * The fix for a hosts.toml containerd discards (hosts-toml-invalid): exact where the emulation knows
 * the cause (a byte order mark, a byte that is not UTF-8, an IPv6 header on 1.x, a table written
 * twice), else the line and column. Pure.
 */
import type { Decision } from '../containerd/decision.js';
import { tableKeyFix } from '../containerd/go-toml-v1-inline-table.js';
import { NOT_UTF8_PROBLEM, notUtf8Fix } from '../containerd/not-utf8.js';
import { GO_TOML_V2_BOM_ERROR, removeBomCommand } from '../containerd/utf8-bom.js';
import { hostsFile, type HostDirView } from './derived.js';
import type { Facts } from './facts.js';
import { rewritesFromRegistriesYaml } from './make.js';

/**
 * The parse error is a `[host."…"]` table written a second time (containerd drops the whole file):
 * say which two lines, and on k3s/RKE2 that the endpoint is listed twice in registries.yaml.
 */
function duplicateTableFix(facts: Facts, v: HostDirView, line: number): string[] | null {
  const lines = (v.hostsTomlText ?? '').split('\n');
  const header = lines[line - 1]?.trim() ?? '';
  if (!/^\[\s*host\s*\.\s*"[^"]*"\s*\]$/.test(header)) return null;
  const first = lines.findIndex((l, i) => i < line - 1 && l.trim() === header);
  if (first < 0) return null;
  const dist = facts.distribution;
  const regen = rewritesFromRegistriesYaml(facts) !== null;
  return [
    `${header} is written twice in ${hostsFile(v)} (lines ${first + 1} and ${line}): ${regen ? `the endpoint is listed twice under mirrors in /etc/rancher/${dist.kind}/registries.yaml; list it once, and ${dist.kind} rewrites the file on its next start` : 'remove the second table'}`,
  ];
}

/** A `[host."…[…"]` header containerd 1.x cannot read: the fix in hosts.toml, or in registries.yaml where k3s/RKE2 write the file. */
function ipv6HeaderFix(facts: Facts, v: HostDirView, line: number, text: string): string {
  const dist = facts.distribution;
  if (rewritesFromRegistriesYaml(facts)) {
    return `in /etc/rancher/${dist.kind}/registries.yaml, name the endpoint by a DNS name (or an /etc/hosts entry) instead of its IPv6 address: ${dist.kind} writes it into a [host."…"] header in ${hostsFile(v)} line ${line}, which containerd 1.x cannot read; then restart ${dist.kind}`;
  }
  return `in ${hostsFile(v)} line ${line}: ${tableKeyFix(text) ?? 'write the host without `[`'}`;
}

/** The fix for a discarded hosts.toml: exact where the emulation knows the cause. */
export function invalidFileFix(facts: Facts, v: HostDirView, x: Decision | undefined): string[] {
  if (!x?.at) return [`fix ${hostsFile(v)}`];
  if (x.containerdError === GO_TOML_V2_BOM_ERROR) return [removeBomCommand(hostsFile(v))];
  if (x.message.includes(NOT_UTF8_PROBLEM)) return [notUtf8Fix(hostsFile(v), x.at)];
  if (x.containerdError?.includes('table key cannot contain') && v.hostsTomlText !== undefined) return [ipv6HeaderFix(facts, v, x.at.line, v.hostsTomlText)];
  return duplicateTableFix(facts, v, x.at.line) ?? [`fix ${x.at.file} line ${x.at.line} column ${x.at.column}`];
}
