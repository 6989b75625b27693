/**
 * commander's usage errors (unknown command or option, missing argument) as every other usage
 * error of mirror-doctor reads: one line, `mirror-doctor: …`, and a hint naming the command's
 * --help, instead of the whole help text after the error (as kubectl answers an unknown command).
 */
import type { Command } from 'commander';

/** commander's "error: unknown command 'chek'\n(Did you mean check?)" → one line, without the "error: ". */
export function oneLineCommanderError(text: string, prefix: string): string {
  const oneLine = text
    .trim()
    .replace(/^error: /, '')
    .replace(/\s*\n\s*\(Did you mean ([^)]*)\)/, ' (did you mean $1)')
    .replace(/\s*\n\s*/g, ' ');
  return `${prefix}: ${oneLine}\n`;
}

/** The full name of a command as typed, e.g. `mirror-doctor fleet collect`. */
function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Applies the one-line form to a command and every subcommand. Call after the tree is built; the
 * hint names the command the error is about (`see mirror-doctor check --help`).
 */
export function oneLineUsageErrors(cmd: Command, prefix = 'mirror-doctor'): void {
  cmd.configureOutput({ outputError: (text, write) => write(oneLineCommanderError(text, prefix)) });
  cmd.showHelpAfterError(`  see ${commandPath(cmd)} --help`);
  for (const sub of cmd.commands) oneLineUsageErrors(sub, prefix);
}
