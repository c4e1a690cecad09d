import { execFileSync } from 'node:child_process';

/** A bare repository's size on disk (du) and the number of commits on its branch. */
export function gitopsRepoFigures(
  bareRepo: string,
  branch: string,
): { bytes: number; commits: number } {
  const kib = execFileSync('du', ['-sk', bareRepo], { encoding: 'utf8' });
  const commits = execFileSync(
    'git',
    ['--git-dir', bareRepo, 'rev-list', '--count', branch],
    { encoding: 'utf8' },
  );
  return {
    bytes: Number(kib.split(/\s/)[0]) * 1024,
    commits: Number(commits.trim()),
  };
}
