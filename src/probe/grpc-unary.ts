import * as grpc from '@grpc/grpc-js';
import { decode, type WireMessage } from './protobuf-wire.js';

/** A gRPC call that failed: the status code name and the server's message, verbatim. */
export class GrpcCallError extends Error {
  constructor(
    readonly method: string,
    readonly code: string,
    readonly details: string,
  ) {
    super(`${method}: ${code}: ${details}`);
    this.name = 'GrpcCallError';
  }
}

const identity = (b: Buffer) => b;

/**
 * Unary gRPC calls over containerd's unix socket with hand-encoded messages (see
 * protobuf-wire.ts). Shared by the CRI client and the containerd API client.
 */
export class UnaryGrpc {
  private readonly client: grpc.Client;

  constructor(readonly address: string) {
    const target = address.startsWith('unix:') ? address : `unix://${address}`;
    this.client = new grpc.Client(target, grpc.credentials.createInsecure(), {
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
    });
  }

  close(): void {
    this.client.close();
  }

  call(path: string, body: Buffer, o: { timeoutMs: number; signal?: AbortSignal; metadata?: Record<string, string> }): Promise<WireMessage> {
    const md = new grpc.Metadata();
    for (const [k, v] of Object.entries(o.metadata ?? {})) md.set(k, v);
    const method = path.slice(path.lastIndexOf('/') + 1);
    return new Promise((resolve, reject) => {
      const call = this.client.makeUnaryRequest(path, identity, identity, body, md, { deadline: Date.now() + o.timeoutMs }, (err: grpc.ServiceError | null, value?: Buffer) => {
        if (err) reject(new GrpcCallError(method, grpc.status[err.code] ?? String(err.code), err.details || err.message));
        else {
          try {
            resolve(decode(value ?? Buffer.alloc(0)));
          } catch (e) {
            reject(new GrpcCallError(method, 'DECODE', (e as Error).message));
          }
        }
      });
      // cancelling the call cancels the server-side context (e.g. a pull inside containerd)
      if (o.signal) {
        if (o.signal.aborted) call.cancel();
        else o.signal.addEventListener('abort', () => call.cancel(), { once: true });
      }
    });
  }
}
