import { pb, read, type WireMessage } from './protobuf-wire.js';
import { UnaryGrpc } from './grpc-unary.js';

/**
 * A small CRI (runtime.v1) client over the containerd socket, for the few calls the doctor makes
 * exactly as kubelet would: Version, Status(verbose) for the daemon's live config, ImageStatus,
 * PullImage, RemoveImage. Messages are hand-encoded (see protobuf-wire.ts).
 */

export interface CriStatus {
  conditions: Array<{ type: string; status: boolean; reason: string; message: string }>;
  /** verbose info; containerd puts its live CRI config as JSON under "config" */
  info: Record<string, string>;
}

export interface CriImage {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  size: number;
}

export interface CriVersion {
  version: string;
  runtimeName: string;
  runtimeVersion: string;
  runtimeApiVersion: string;
}

/** A CRI call that failed: the gRPC code name and containerd's message text, verbatim. */
export { GrpcCallError as CriError } from './grpc-unary.js';

const imageSpec = (image: string) => pb.encode(pb.string(1, image));

export class CriClient {
  private readonly grpc: UnaryGrpc;

  constructor(readonly address: string) {
    this.grpc = new UnaryGrpc(address);
  }

  close(): void {
    this.grpc.close();
  }

  private call(service: 'RuntimeService' | 'ImageService', method: string, body: Buffer, timeoutMs: number, signal?: AbortSignal): Promise<WireMessage> {
    return this.grpc.call(`/runtime.v1.${service}/${method}`, body, { timeoutMs, ...(signal ? { signal } : {}) });
  }

  async version(timeoutMs = 5000): Promise<CriVersion> {
    const m = await this.call('RuntimeService', 'Version', pb.encode(pb.string(1, 'v1')), timeoutMs);
    return {
      version: read.string(m, 1),
      runtimeName: read.string(m, 2),
      runtimeVersion: read.string(m, 3),
      runtimeApiVersion: read.string(m, 4),
    };
  }

  async status(verbose = true, timeoutMs = 5000): Promise<CriStatus> {
    const m = await this.call('RuntimeService', 'Status', pb.encode(pb.bool(1, verbose)), timeoutMs);
    const status = read.message(m, 1);
    return {
      conditions: (status ? read.messages(status, 1) : []).map((c) => ({
        type: read.string(c, 1),
        status: read.bool(c, 2),
        reason: read.string(c, 3),
        message: read.string(c, 4),
      })),
      info: read.stringMap(m, 2),
    };
  }

  /** The image as CRI knows it, or undefined when absent. */
  async imageStatus(image: string, timeoutMs = 5000): Promise<CriImage | undefined> {
    const m = await this.call('ImageService', 'ImageStatus', pb.encode(pb.message(1, imageSpec(image))), timeoutMs);
    const img = read.message(m, 1);
    if (!img) return undefined;
    return { id: read.string(img, 1), repoTags: read.strings(img, 2), repoDigests: read.strings(img, 3), size: read.uint(img, 4) };
  }

  /** Pulls like kubelet does; returns the image reference (the image id) CRI answers with. */
  async pullImage(image: string, timeoutMs: number, signal?: AbortSignal): Promise<string> {
    const m = await this.call('ImageService', 'PullImage', pb.encode(pb.message(1, imageSpec(image))), timeoutMs, signal);
    return read.string(m, 1);
  }

  /** The image ids (image_ref) of every container CRI knows, running or not. */
  async containerImageRefs(timeoutMs = 5000): Promise<string[]> {
    const m = await this.call('RuntimeService', 'ListContainers', Buffer.alloc(0), timeoutMs);
    return read.messages(m, 1).flatMap((c) => [read.string(c, 5), read.string(read.message(c, 4) ?? new Map(), 1)].filter(Boolean));
  }

  async removeImage(image: string, timeoutMs = 30_000): Promise<void> {
    await this.call('ImageService', 'RemoveImage', pb.encode(pb.message(1, imageSpec(image))), timeoutMs);
  }
}

/**
 * The registry part of containerd's live CRI config, from Status(verbose).info.config. containerd
 * 1.x includes it; 2.x reports only the runtime config there (the image service's registry config
 * is not exposed over CRI), so this is undefined on 2.x.
 */
export function liveRegistryConfig(status: CriStatus): { configPath: string; mirrors: Record<string, unknown> } | undefined {
  const text = status.info.config;
  if (!text) return undefined;
  try {
    const config = JSON.parse(text) as { registry?: { configPath?: string; mirrors?: Record<string, unknown> | null } };
    if (!config.registry) return undefined;
    return { configPath: config.registry.configPath ?? '', mirrors: config.registry.mirrors ?? {} };
  } catch {
    return undefined;
  }
}
