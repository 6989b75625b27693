/**
 * containerd's check of a version 2+ config.toml's plugin ids at start (ValidateV2 in v1.5.18–v1.7.24
 * services/server/config/config.go, ValidateVersion in v2.1.9 cmd/containerd/server/config/config.go):
 * the first id that fails it stops containerd with `invalid … URI "<id>" expect io.containerd.x.vx`.
 */
import type { BehaviourProfile } from './version.js';

export type PluginIdKind = 'disabled' | 'required' | 'key';

/** Whether containerd accepts `id` under `rule`. */
export function validPluginId(rule: BehaviourProfile['pluginIdValidation'], id: string): boolean {
  if (rule === 'contains-dot') return id.includes('.');
  const parts = id.split('.').length >= 4;
  return rule === 'four-parts' ? parts : parts && id.startsWith('io.containerd.');
}

/** The first id containerd rejects, checking the groups in order (as containerd does), or null. */
export function invalidPluginId(
  rule: BehaviourProfile['pluginIdValidation'],
  groups: Array<[kind: PluginIdKind, key: string, ids: string[]]>,
): { kind: PluginIdKind; key: string; id: string } | null {
  for (const [kind, key, ids] of groups) {
    const id = ids.find((x) => !validPluginId(rule, x));
    if (id !== undefined) return { kind, key, id };
  }
  return null;
}
