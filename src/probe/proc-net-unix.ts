/**
 * A pure parser of /proc/net/unix (or /proc/<pid>/net/unix: that process's network namespace), to
 * tell which process serves a socket path: the listening socket's inode is one of its fds.
 */

export interface UnixSocketRow {
  inode: number;
  /** the bound path; `@name` for an abstract socket; '' when unbound */
  path: string;
  /** SO_ACCEPTCON: a listening socket */
  listening: boolean;
  /** 1 stream, 2 datagram, 5 seqpacket */
  type: number;
  /** 1 unconnected, 2 connecting, 3 connected, 4 disconnecting */
  state: number;
}

const ACCEPTCON = 0x10000;

/** The rows of the table; the header is skipped, a malformed row is an error naming its line. */
export function parseProcNetUnix(text: string): UnixSocketRow[] {
  const rows: UnixSocketRow[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    if (!raw.trim() || raw.startsWith('Num ')) continue;
    // Num: RefCount Protocol Flags Type St Inode [Path] — the path may contain spaces
    const m = /^\s*[0-9a-fA-F]+:\s+[0-9a-fA-F]+\s+[0-9a-fA-F]+\s+([0-9a-fA-F]+)\s+([0-9a-fA-F]+)\s+([0-9a-fA-F]+)\s+(\d+)(?: (.*))?$/.exec(raw);
    if (!m) throw new Error(`line ${i + 1} of /proc/net/unix is not a socket row: ${JSON.stringify(raw.slice(0, 120))}`);
    rows.push({
      inode: Number(m[4]),
      path: m[5] ?? '',
      listening: (parseInt(m[1]!, 16) & ACCEPTCON) !== 0,
      type: parseInt(m[2]!, 16),
      state: parseInt(m[3]!, 16),
    });
  }
  return rows;
}

/** Inodes of the sockets listening on `path` (a daemon's socket and nothing else's). */
export function listeningInodes(rows: readonly UnixSocketRow[], path: string): Set<number> {
  return new Set(rows.filter((r) => r.listening && r.path === path).map((r) => r.inode));
}
