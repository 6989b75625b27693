/**
 * Why containerd discards a hosts.toml: the Failure each step throws (our message, its position,
 * containerd's error text) and the position helpers the messages use.
 */
import type { SourcePosition } from './decision.js';
import type { TomlPos } from './toml-scan.js';

/** A scanned TOML item's position, as a position in the hosts.toml file. */
export function pos(file: string, p: TomlPos | undefined): SourcePosition | undefined {
  return p ? { file, line: p.line, column: p.column } : undefined;
}

/** " at line:column" for a message, or nothing. */
export function where(at: SourcePosition | undefined): string {
  return at ? ` at ${at.line}:${at.column}` : '';
}

/** Thrown by every step of the parse; parseHostsFile turns it into `{ ok: false, … }`. */
export class Failure {
  constructor(
    readonly problem: string,
    readonly at: SourcePosition | undefined,
    readonly containerdError: string | undefined,
    readonly hint?: string,
  ) {}
}
