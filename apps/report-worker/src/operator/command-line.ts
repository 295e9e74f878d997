/** Thrown for a bad command line; the command prints it with the usage and exits 64 (EX_USAGE). */
export class UsageError extends Error {}

/** The parsed command line, or the problem and the usage on stderr and exit 64. */
export function commandOrExit<T>(parse: (argv: string[]) => T, argv: string[], usage: string): T {
  try {
    return parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${usage}\n`);
    process.exit(64);
  }
}
