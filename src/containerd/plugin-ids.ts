/**
 * containerd's check of a version 2+ config.toml's plugin ids at start (ValidateV2 in v1.5.18–v1.7.24
 * services/server/config/config.go, ValidateVersion in v2.1.9 cmd/containerd/server/config/config.go):
 * the first id that fails it stops containerd with `invalid … URI "<id>" expect io.containerd.x.vx`.
 */
import type { BehaviourProfile } from './version.js';

export type PluginIdKind = 'disabled' | 'required' | 'key';

type Rule = BehaviourProfile['pluginIdValidation'];

/** Whether containerd accepts `id` under `rule`. */
export function validPluginId(rule: Rule, id: string): boolean {
  if (rule === 'contains-dot') return id.includes('.');
  const parts = id.split('.').length >= 4;
  return rule === 'four-parts' ? parts : parts && id.startsWith('io.containerd.');
}

/**
 * The first id containerd rejects, in its order (disabled_plugins, required_plugins, then the
 * [plugins] keys, which 2.x does not check), with containerd's error text; or null.
 */
export function invalidPluginId(
  rule: Rule,
  ids: { disabled: string[]; required: string[]; keys: string[] },
): { kind: PluginIdKind; key: string; id: string; error: string } | null {
  const groups: Array<[PluginIdKind, string, string[]]> = [
    ['disabled', 'disabled_plugins', ids.disabled],
    ['required', 'required_plugins', ids.required],
    ['key', 'plugins', rule === 'contains-dot' ? [] : ids.keys],
  ];
  for (const [kind, key, list] of groups) {
    const id = list.find((x) => !validPluginId(rule, x));
    if (id !== undefined) return { kind, key, id, error: `invalid ${kind === 'key' ? 'plugin key' : `${kind} plugin`} URI ${JSON.stringify(id)} expect io.containerd.x.vx` };
  }
  return null;
}
