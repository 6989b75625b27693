/**
 * An error the user can act on (bad input, missing file, wrong option):
 * printed as one clear line, exit code 2, never a stack trace.
 */
export class UsageError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'UsageError';
  }
}
