/** Where a mirror's capabilities are written, and how to write them: in its `[host."…"]` table or inside its inline table. */
import type { SourcePosition } from '../containerd/decision.js';
import type { RegistryEndpoint } from '../containerd/configure-hosts.js';
import { isInlineHost } from '../containerd/hosts-toml-host-table.js';
import { scanToml } from '../containerd/toml-scan.js';
import type { HostDirView } from './derived.js';
import { hostsFile } from './derived.js';
import { quote } from './make.js';

export function capsPosition(v: HostDirView, ep: RegistryEndpoint): SourcePosition | undefined {
  if (!v.hostsTomlText) return ep.at;
  const kv = scanToml(v.hostsTomlText).keyValues.find((k) => k.path[0] === 'host' && k.path[1] === ep.written && k.path[2] === 'capabilities');
  return kv ? { file: hostsFile(v), line: kv.line, column: kv.column } : ep.at;
}

/** A host written inline keeps its inline table: a `[host."…"]` header beside it would define the key twice (and 1.x cannot read an IPv6 one). */
export function capabilitiesFix(v: HostDirView, ep: RegistryEndpoint): string {
  const caps = 'capabilities = ["pull", "resolve"]';
  if (v.hostsTomlText && isInlineHost(scanToml(v.hostsTomlText), ep.written)) {
    return `in ${hostsFile(v)}${ep.at ? ` line ${ep.at.line}` : ''}, inside the inline table of ${quote(ep.written)} under [host]: ${caps}`;
  }
  return `in ${hostsFile(v)}: [host.${quote(ep.written)}]\n  ${caps}`;
}
