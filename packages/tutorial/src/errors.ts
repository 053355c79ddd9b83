// Two kinds of failure a tutorial command reports, told apart by the exit code a script sees:
// the user asked for something that does not exist (2, like a usage error), or the command ran
// and what it checked is not right yet (1).
export class UsageError extends Error {
  readonly exitCode = 2;
}

export class CommandError extends Error {
  readonly exitCode = 1;
}
