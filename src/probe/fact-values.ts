/**
 * How a gathered fact records its value: known with its source, or unknown with the error and the
 * source that failed; and the error text recorded for a failed call (gRPC notes left out).
 */
import type { Known } from '../checks/facts.js';
import { GrpcCallError } from './grpc-unary.js';

export const errorText = (e: unknown) =>
  e instanceof GrpcCallError ? `${e.code}: ${e.details.replace(/\s*Resolution note:.*$/s, '')}` : e instanceof Error ? e.message : String(e);
export const known = <T>(value: T, source: string): Known<T> => ({ value, source });
export const unknown = <T>(error: string, source: string): Known<T> => ({ value: null, unknown: { error, source } });
