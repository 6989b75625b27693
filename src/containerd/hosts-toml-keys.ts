/**
 * The keys each containerd version reads in a hosts.toml table, and a note for every other key,
 * which containerd ignores without a word (with a hint for the usual misspellings).
 */
import type { Decision } from './decision.js';
import type { HostsFileInput } from './host-config.js';
import { pos, where } from './hosts-toml-failure.js';
import { firstMention, type TomlScan } from './toml-scan.js';
import type { BehaviourProfile } from './version.js';

/** The keys containerd decodes in a host table (`root`: the top level, which also has `server` and `host`). */
export function knownKeys(profile: BehaviourProfile, root: boolean): Set<string> {
  const keys = ['capabilities', 'ca', 'client', 'skip_verify', 'header'];
  if (profile.overridePath) keys.push('override_path');
  if (profile.dialTimeout) keys.push('dial_timeout');
  if (root) keys.push('server', 'host');
  return new Set(keys);
}

const KEY_HINTS: Record<string, string> = {
  capability: 'did you mean `capabilities`?',
  caps: 'did you mean `capabilities`?',
  'skip-verify': 'did you mean `skip_verify`?',
  skipverify: 'did you mean `skip_verify`?',
  insecure_skip_verify: 'the key is `skip_verify`',
  insecure: 'hosts.toml has no `insecure`; use an `http://` URL or `skip_verify = true`',
  endpoint: 'hosts.toml has no `endpoint`; the mirror URL is the table name `[host."https://…"]`',
  endpoints: 'hosts.toml has no `endpoints`; one `[host."https://…"]` table per mirror',
  hosts: 'did you mean `host`?',
  mirrors: '`mirrors` belongs to the legacy CRI config.toml syntax, not hosts.toml',
  rewrite: '`rewrite` only exists in k3s/RKE2\'s containerd fork',
  headers: 'did you mean `header`?',
  ca_file: 'did you mean `ca`?',
  cacert: 'did you mean `ca`?',
  'dial-timeout': 'did you mean `dial_timeout`?',
  'override-path': 'did you mean `override_path`?',
  username: 'hosts.toml has no credentials',
  password: 'hosts.toml has no credentials',
  auth: 'hosts.toml has no credentials',
};

/** Notes for keys containerd silently ignores in one table. */
export function ignoredKeys(
  table: Record<string, unknown>,
  keyPrefix: string[],
  root: boolean,
  input: HostsFileInput,
  scan: TomlScan,
  profile: BehaviourProfile,
): Decision[] {
  const file = `${input.dir}/hosts.toml`;
  const known = knownKeys(profile, root);
  const out: Decision[] = [];
  for (const key of Object.keys(table)) {
    if (known.has(key)) continue;
    const at = pos(file, firstMention(scan, [...keyPrefix, key]));
    let why = KEY_HINTS[key] ?? 'not a hosts.toml key';
    if (key === 'override_path' && !profile.overridePath) why = '`override_path` exists from containerd 1.6.0';
    if (key === 'dial_timeout' && !profile.dialTimeout) why = '`dial_timeout` exists from containerd 2.0.7 / 2.1.0';
    out.push({
      code: 'hosts-toml.key-ignored',
      severity: 'warning',
      message: `key \`${[...keyPrefix, key].map((k) => (/^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k))).join('.')}\`${where(at)} is silently ignored by containerd: ${why}`,
      ...(at ? { at } : {}),
      source: 'hostFileKeys',
    });
  }
  return out;
}
