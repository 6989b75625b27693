/** `--root DIR` (check, explain, tui): the directory that stands in for the node's `/`. */
import * as path from 'node:path';
import { nodeRootProblem } from '../probe/node-root.js';
import { UsageError } from '../errors.js';

/** `--root` as an absolute path; a UsageError (exit 2) when it is missing, not a directory or unreadable. */
export function checkRoot(option: string | undefined): string {
  const root = path.resolve(option ?? '/');
  const problem = nodeRootProblem(root);
  if (problem) throw new UsageError(`--root ${option ?? root} ${problem}`, "pass the directory that stands in for the node's / , e.g. --root ./node-copy");
  return root;
}
