import { Command, CommanderError } from 'commander';
import { UsageError } from './usage-error.js';

export const VERSION = '0.1.0';

/**
 * Builds the command tree. Each subcommand lives in its own file and is
 * imported lazily inside its action, so `explain --json` never loads ink/react.
 */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('mirror-doctor')
    .description('Why is my containerd registry mirror ignored? Answers with evidence.')
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride();

  program
    .command('lab')
    .description('Manage the built-in lab: real containerd 1.6/1.7/2.x and registries on 127.0.0.1')
    .argument('[args...]', 'lab subcommand and options (see `mirror-doctor lab help`)')
    .allowUnknownOption(true)
    .helpOption(false)
    .action(async (args: string[]) => {
      const { runLabCli } = await import('../lab/cli.js');
      process.exitCode = await runLabCli(args);
    });

  return program;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 problems found, 2 could not run. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit with code 0; usage errors have been printed already
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`mirror-doctor: ${err.message}\n`);
      if (err.hint) process.stderr.write(`  ${err.hint}\n`);
      return 2;
    }
    const e = err as Error;
    process.stderr.write(`mirror-doctor: internal error: ${e?.message ?? String(err)}\n`);
    if (process.env.MIRROR_DOCTOR_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
    return 2;
  }
}
