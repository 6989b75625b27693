import { pb, read } from './protobuf-wire.js';
import { UnaryGrpc } from './grpc-unary.js';

/**
 * The few containerd API calls the doctor makes directly over the socket (each ~100× cheaper
 * than starting ctr): version, namespaces, leases and images. Messages follow containerd's
 * api/services/{version,namespaces,leases,images}/v1 protos (field numbers as there).
 */
export class ContainerdApi {
  private readonly grpc: UnaryGrpc;

  constructor(address: string) {
    this.grpc = new UnaryGrpc(address);
  }

  close(): void {
    this.grpc.close();
  }

  private call(path: string, body: Buffer, namespace?: string, timeoutMs = 10_000) {
    return this.grpc.call(path, body, { timeoutMs, ...(namespace ? { metadata: { 'containerd-namespace': namespace } } : {}) });
  }

  async version(): Promise<{ version: string; revision: string }> {
    const m = await this.call('/containerd.services.version.v1.Version/Version', Buffer.alloc(0));
    return { version: read.string(m, 1), revision: read.string(m, 2) };
  }

  async namespaces(): Promise<string[]> {
    const m = await this.call('/containerd.services.namespaces.v1.Namespaces/List', Buffer.alloc(0));
    return read.messages(m, 1).map((n) => read.string(n, 1));
  }

  async deleteNamespace(name: string): Promise<void> {
    await this.call('/containerd.services.namespaces.v1.Namespaces/Delete', pb.encode(pb.string(1, name)));
  }

  async leases(namespace: string): Promise<string[]> {
    const m = await this.call('/containerd.services.leases.v1.Leases/List', Buffer.alloc(0), namespace);
    return read.messages(m, 1).map((l) => read.string(l, 1));
  }

  async deleteLease(namespace: string, id: string, sync = false): Promise<void> {
    await this.call('/containerd.services.leases.v1.Leases/Delete', pb.encode(pb.string(1, id), pb.bool(2, sync)), namespace, 30_000);
  }

  async images(namespace: string): Promise<string[]> {
    const m = await this.call('/containerd.services.images.v1.Images/List', Buffer.alloc(0), namespace);
    return read.messages(m, 1).map((i) => read.string(i, 1));
  }

  async deleteImage(namespace: string, name: string, sync = true): Promise<void> {
    await this.call('/containerd.services.images.v1.Images/Delete', pb.encode(pb.string(1, name), pb.bool(2, sync)), namespace, 30_000);
  }
}
