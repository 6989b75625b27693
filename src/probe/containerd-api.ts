import { pb, read } from './protobuf-wire.js';
import { UnaryGrpc } from './grpc-unary.js';

/**
 * The few containerd API calls the doctor makes directly over the socket (each ~100× cheaper
 * than starting ctr): version, namespaces, leases and images. Messages follow containerd's
 * api/services/{version,namespaces,leases,images}/v1 protos (field numbers as there).
 */
/** A namespace or a lease and its labels. */
export interface Labelled {
  name: string;
  labels: Record<string, string>;
}

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
    return (await this.labelledNamespaces()).map((n) => n.name);
  }

  /** Every namespace with its labels. */
  async labelledNamespaces(): Promise<Labelled[]> {
    const m = await this.call('/containerd.services.namespaces.v1.Namespaces/List', Buffer.alloc(0));
    return read.messages(m, 1).map((n) => ({ name: read.string(n, 1), labels: read.stringMap(n, 2) }));
  }

  /** Creates a namespace with labels; ALREADY_EXISTS when there is one of that name. */
  async createNamespace(name: string, labels: Record<string, string>): Promise<void> {
    // containerd 1.6 publishes the create event in the request's namespace: without one, it
    // answers "failed publishing event: namespace is required" (after creating it)
    await this.call('/containerd.services.namespaces.v1.Namespaces/Create', pb.encode(pb.message(1, pb.encode(pb.string(1, name), pb.stringMap(2, labels)))), name);
  }

  /** Sets these labels on a namespace (others are kept). */
  async labelNamespace(name: string, labels: Record<string, string>): Promise<void> {
    const mask = pb.encode(...Object.keys(labels).map((k) => pb.string(1, `labels.${k}`)));
    await this.call('/containerd.services.namespaces.v1.Namespaces/Update', pb.encode(pb.message(1, pb.encode(pb.string(1, name), pb.stringMap(2, labels))), pb.message(2, mask)), name);
  }

  async deleteNamespace(name: string): Promise<void> {
    await this.call('/containerd.services.namespaces.v1.Namespaces/Delete', pb.encode(pb.string(1, name)));
  }

  async leases(namespace: string): Promise<string[]> {
    return (await this.labelledLeases(namespace)).map((l) => l.name);
  }

  /** The namespace's leases with their labels (`name` is the lease id). */
  async labelledLeases(namespace: string): Promise<Labelled[]> {
    const m = await this.call('/containerd.services.leases.v1.Leases/List', Buffer.alloc(0), namespace);
    return read.messages(m, 1).map((l) => ({ name: read.string(l, 1), labels: read.stringMap(l, 3) }));
  }

  /**
   * Creates a lease with labels and no expiry; ALREADY_EXISTS when the id is taken. A lease that
   * holds no resources protects nothing from the garbage collector: it is a record (and a lock).
   */
  async createLease(namespace: string, id: string, labels: Record<string, string>): Promise<void> {
    await this.call('/containerd.services.leases.v1.Leases/Create', pb.encode(pb.string(1, id), pb.stringMap(3, labels)), namespace);
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
