/**
 * The node paths a trace hands to ctr and the tracer (the hosts folder, config.toml) as paths of
 * this machine, resolved as the node would resolve them (under --root its links stay inside it).
 */
import * as path from 'node:path';
import { goPathError } from '../containerd/node-snapshot.js';
import { resolveNodePath, type RootFs } from './node-root.js';

export type TracePaths = { hostsDir: string; configFile: string | null } | { error: string };

export async function traceHostPaths(root: string, hostsDir: string, configFile: string, rfs: RootFs): Promise<TracePaths> {
  const hostsAt = await resolveNodePath(root, hostsDir, rfs);
  // a loop (or an unreadable folder) cannot be handed to ctr without ctr following it out of the root
  if (!hostsAt.ok && hostsAt.code !== 'ENOENT' && hostsAt.code !== 'ENOTDIR') {
    return { error: `not run: ${goPathError('stat', hostsDir, { code: hostsAt.code })} (the hosts folder for ctr --hosts-dir, under ${root})` };
  }
  const configAt = await resolveNodePath(root, configFile, rfs);
  return {
    // missing, or a file in the way: the same nothing (or file) under the root, where ctr stops as the node's would
    hostsDir: hostsAt.ok ? hostsAt.hostPath : path.join(path.resolve(root), hostsAt.at),
    configFile: configAt.ok ? configAt.hostPath : null,
  };
}
