/**
 * `mirror-doctor checks [id] [--json]`: every check the tool runs, or one check's documentation,
 * from the copy of docs/checks.md built into the tool (no repository or network needed).
 */
import { checkDocSection, markdownForTerminal } from '../checks/check-doc.js';
import { CHECKS, CRASH_INFO, LAYERS, closestCheckId, isCheckId, checkInfo } from '../checks/registry.js';
import { UsageError } from '../errors.js';

export interface ChecksCliOptions {
  json?: boolean;
}

/** Prints the list or one check; returns the exit code (unknown ids throw a UsageError: exit 2). */
export function runChecksCommand(id: string | undefined, opts: ChecksCliOptions, write: (s: string) => void = (s) => process.stdout.write(s)): number {
  if (id === undefined) {
    if (opts.json) {
      write(`${JSON.stringify([...CHECKS, CRASH_INFO], null, 2)}\n`);
      return 0;
    }
    const width = Math.max(...CHECKS.map((c) => c.id.length));
    const lines: string[] = [];
    for (const layer of LAYERS) {
      lines.push(`${layer}:`);
      for (const c of CHECKS.filter((x) => x.layer === layer)) lines.push(`  ${c.id.padEnd(width)}  ${c.severity.padEnd(7)}  ${c.title}`);
      lines.push('');
    }
    lines.push('`mirror-doctor checks ID` shows what a check means, its evidence and its fix; `check --ignore ID,ID` leaves checks out.');
    write(`${lines.join('\n')}\n`);
    return 0;
  }
  const key = id.trim().toLowerCase();
  if (!isCheckId(key)) {
    const near = closestCheckId(key);
    throw new UsageError(`unknown check id ${JSON.stringify(id)}${near ? ` (did you mean ${near}?)` : ''}`, 'mirror-doctor checks lists every id');
  }
  const info = checkInfo(key);
  const section = checkDocSection(key);
  if (opts.json) {
    write(`${JSON.stringify({ ...info, documentation: section }, null, 2)}\n`);
    return 0;
  }
  const head = [`${info.id} · ${info.layer} · default severity ${info.severity}`, info.title];
  // the section's first line (severity, source links) is in the head and tail, one link a line
  const body = section?.startsWith('**Default severity:**') ? section.slice(section.indexOf('\n') + 1).trim() : section;
  const tail: string[] = [];
  if (info.sources.length > 0) tail.push('Source:', ...info.sources.flatMap((s) => [`  ${s.label}: ${s.url}`, ...(s.url1x ? [`    in 1.x: ${s.url1x}`] : [])]));
  if (info.upstream) tail.push(`containerd's documentation: ${info.upstream}`);
  tail.push(`Also in ${info.docs}`);
  write(`${head.join('\n')}\n\n${body ? markdownForTerminal(body) : '(no documentation for this id)'}\n\n${tail.join('\n')}\n`);
  return 0;
}
