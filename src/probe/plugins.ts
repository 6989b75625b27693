/**
 * The daemon's plugin list over the introspection API (what `ctr plugins ls` prints), narrowed
 * to what decides registry behaviour: the CRI plugins and the transfer service. One unary gRPC
 * call instead of starting ctr. Message fields follow containerd's
 * api/services/introspection/v1/introspection.proto (Plugin: type=1, id=2, init_err=7 as
 * google.rpc.Status{code=1, message=2}).
 */
import type { PluginFact } from '../checks/facts.js';
import { read } from './protobuf-wire.js';
import { UnaryGrpc } from './grpc-unary.js';

export const PLUGINS_METHOD = '/containerd.services.introspection.v1.Introspection/Plugins';

/** Every plugin the daemon reports, with ctr's status words (ok, error, skip). */
export async function listPlugins(address: string, timeoutMs = 5000): Promise<PluginFact[]> {
  const grpc = new UnaryGrpc(address);
  try {
    const m = await grpc.call(PLUGINS_METHOD, Buffer.alloc(0), { timeoutMs });
    return read.messages(m, 1).map((p) => {
      const type = read.string(p, 1);
      const id = read.string(p, 2);
      const initErr = read.message(p, 7);
      const message = initErr ? read.string(initErr, 2) : '';
      // ctr plugins ls: "skip" when the init error is plugin.ErrSkipPlugin ("skip plugin")
      const status: PluginFact['status'] = !initErr ? 'ok' : /skip plugin/.test(message) ? 'skip' : 'error';
      return { id: `${type}.${id}`, type, status, error: initErr ? message || 'unknown error' : null };
    });
  } finally {
    grpc.close();
  }
}

/** The plugins that matter for registry mirrors: CRI (1.x grpc.v1.cri, 2.x cri.v1.*) and transfer. */
export function registryPlugins(all: PluginFact[]): PluginFact[] {
  return all.filter((p) => /(^|\.)cri(\.|$)/.test(p.id) || p.type.startsWith('io.containerd.cri.') || p.type === 'io.containerd.transfer.v1');
}
