/**
 * The CRI registry tables of config.toml as written, in every file and under every plugin id a
 * version reads them from (2.x, 1.x version 2, 1.x version 1): for checks that look at keys the
 * emulation does not keep (configs.*.tls, configs.*.auth, misspelt keys). Pure.
 */
import type { LoadedConfigFile } from '../containerd/config-files.js';
import { isTable } from '../containerd/go-value.js';

const REGISTRY_PLUGINS = ['io.containerd.cri.v1.images', 'io.containerd.grpc.v1.cri', 'cri'];

/** The keys containerd knows in a CRI registry table (v2.1.9 internal/cri/config/config.go Registry). */
export const REGISTRY_KEYS: readonly string[] = ['config_path', 'mirrors', 'configs', 'auths', 'headers'];

/** Each registry table, with the key path it has in its file (`plugins.<id>.registry`). */
export function registryTables(files: readonly LoadedConfigFile[]): Array<{ path: string[]; table: Record<string, unknown> }> {
  const out: Array<{ path: string[]; table: Record<string, unknown> }> = [];
  for (const f of files) {
    const plugins = f.data.plugins;
    if (!isTable(plugins)) continue;
    for (const id of REGISTRY_PLUGINS) {
      const plugin = plugins[id];
      if (isTable(plugin) && isTable(plugin.registry)) out.push({ path: ['plugins', id, 'registry'], table: plugin.registry });
    }
  }
  return out;
}
