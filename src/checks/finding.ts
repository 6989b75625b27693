/**
 * A Finding: one check's result, with the evidence and the exact fix. Pure data.
 */
export type Severity = 'error' | 'warning' | 'info' | 'ok';

/** The layers the checklist walks through, in the order they are shown. */
export type Layer = 'client' | 'daemon' | 'config' | 'host-dirs' | 'hosts-toml' | 'evidence';

export interface Evidence {
  /** what kind of evidence: a file position, a log line, command output, a trace attempt */
  kind: 'file' | 'log' | 'command' | 'trace' | 'api';
  /** file path (node path) or command line or API call */
  source: string;
  /** 1-based line and column in a file, when known */
  line?: number;
  column?: number;
  /** the exact text (redacted before it leaves the machine) */
  text: string;
}

export interface Finding {
  /** stable check id, e.g. `config-path-unset` (see registry.ts) */
  id: string;
  severity: Severity;
  layer: Layer;
  title: string;
  detail: string;
  evidence: Evidence[];
  /** exact commands or file edits; empty for ok/info findings */
  fix: string[];
  /** documentation link */
  docs: string;
}

/** A check that threw: recorded, and the other checks still run. */
export const CRASH_ID = 'crash';
