/**
 * A Decision is one step of the emulation, stated with its reason: what containerd
 * does at this point, why, and what it would print. Every plan carries its decisions in
 * the order containerd makes them.
 */
import type { SourceKey } from './upstream-source.js';

export type DecisionSeverity = 'info' | 'warning' | 'error';

export interface SourcePosition {
  /** File the position refers to (node path, as containerd would see it). */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
}

export interface Decision {
  /** Stable machine id, e.g. `hosts-toml.discarded`. */
  code: string;
  severity: DecisionSeverity;
  /** Our precise explanation, one line. */
  message: string;
  /** Where in a file the decision comes from, when known. */
  at?: SourcePosition;
  /** containerd's own error text, where it is known. */
  containerdError?: string;
  /** How containerd's exit message starts, where it refuses to start (`failed to load TOML`). */
  containerdExit?: string;
  /** The log line containerd would print (level and message), when it prints one. */
  containerdLog?: string;
  /** Where a user can read the containerd code or docs behind this step (see upstream-source.ts). */
  source: SourceKey;
  /** The config.toml key the decision is about (`['disabled_plugins']`, `['plugins', 'cri']`), when it is one. */
  configPath?: string[];
}

export function decision(d: Decision): Decision {
  return d;
}

export function formatPosition(at: SourcePosition | undefined): string {
  return at ? `${at.line}:${at.column}` : '';
}
