/** What is at a path, in words, for the errors about files the user named (named pipe, socket, …). */
import type { Stats } from 'node:fs';

export type StatKind = Pick<Stats, 'isFile' | 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice' | 'isDirectory' | 'isSymbolicLink'>;

/** What is at a path, in words: "a named pipe", "a socket", … */
export function fileKind(st: StatKind): string {
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'something else';
}
