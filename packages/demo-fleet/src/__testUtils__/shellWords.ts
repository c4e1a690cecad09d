import { execFileSync } from 'node:child_process';

/** The words a POSIX shell makes of a command line, as the command receives them. */
export function shellWords(commandLine: string): string[] {
  const out = execFileSync(
    'sh',
    ['-c', `set -- ${commandLine}; printf '%s\\0' "$@"`],
    { encoding: 'utf8' },
  );
  return out.split('\0').slice(0, -1);
}
