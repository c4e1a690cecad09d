import fs from 'node:fs/promises';
import path from 'node:path';
import { LoggerService } from '@backstage/backend-plugin-api';
import { git, GitError } from './git';

export interface GitOpsSettings {
  /** Any Git URL, or a local path (a bare repository is made there if missing). */
  url: string;
  branch: string;
  /** Where the working clone lives. */
  workingDirectory: string;
}

export interface GitAuthor {
  name: string;
  email: string;
}

/** One commit: the folder's new files (none removes it) and folders to clear. */
export interface GitChange {
  path: string;
  files: Record<string, string>;
  removePaths?: string[];
  message: string;
  author: GitAuthor;
  /** Names the change in a trailer, so a retried change finds its commit instead of making a second. */
  changeId: string;
}

interface PendingChange {
  change: GitChange;
  resolve(commit: string): void;
  reject(error: Error): void;
}

const COMMITTER = { name: 'GPU Fleet', email: 'gpu-fleet@localhost' };
const CHANGE_TRAILER = 'Gpu-Fleet-Change';
const PUSH_ATTEMPTS = 5;

function isLocalPath(url: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !/^[^/]+@[^/]+:/.test(url);
}

function safeRelative(relative: string): string {
  const normal = path.posix.normalize(relative);
  if (normal.startsWith('..') || path.posix.isAbsolute(normal)) {
    throw new Error(`path '${relative}' leaves the repository`);
  }
  return normal;
}

/**
 * The GitOps repository: every revision's rendered objects are committed
 * here before anything reaches a cluster. Changes go through one queue per
 * process; a push that lost a race with another writer is rebased on the
 * remote's branch and tried again.
 */
export class GitOpsRepository {
  private queue: Promise<unknown> = Promise.resolve();
  private pending: PendingChange[] = [];
  private readonly clone: string;

  private constructor(
    private readonly settings: GitOpsSettings,
    private readonly logger: LoggerService,
  ) {
    this.clone = path.join(settings.workingDirectory, 'clone');
  }

  static async open(
    settings: GitOpsSettings,
    logger: LoggerService,
  ): Promise<GitOpsRepository> {
    const repo = new GitOpsRepository(settings, logger);
    await repo.prepare();
    return repo;
  }

  get url(): string {
    return this.settings.url;
  }

  get branch(): string {
    return this.settings.branch;
  }

  /** Commits the change, or finds the commit an earlier try of it made; resolves with its id. */
  commit(change: GitChange): Promise<string> {
    return new Promise((resolve, reject) => {
      this.pending.push({ change, resolve, reject });
      // Changes that queue up while a batch runs go out in the next one.
      if (this.pending.length === 1) {
        this.serialised(() => this.commitBatch()).catch(() => undefined);
      }
    });
  }

  /** The files under `folder` as `commit` holds them, by path relative to the folder. */
  readFiles(commit: string, folder: string): Promise<Record<string, string>> {
    // Commits never change: reading one need not wait behind writers.
    return (async () => {
      await this.ensureCommit(commit);
      const dir = safeRelative(folder);
      const names = (
        await this.git([
          'ls-tree',
          '-r',
          '--name-only',
          commit,
          '--',
          `${dir}/`,
        ])
      )
        .split('\n')
        .filter(Boolean);
      const files: Record<string, string> = {};
      for (const name of names) {
        files[path.posix.relative(dir, name)] = await this.git([
          'show',
          `${commit}:${name}`,
        ]);
      }
      return files;
    })();
  }

  /** What `commit` changed in `folders`, against the last commit before it that touched them. */
  diff(
    commit: string,
    folders: string[],
  ): Promise<{ previousCommit: string | null; diff: string }> {
    return this.serialised(async () => {
      await this.ensureCommit(commit);
      const paths = folders.map(f => `${safeRelative(f)}/`);
      const parents = (await this.git(['rev-list', '--parents', '-n1', commit]))
        .trim()
        .split(' ')
        .slice(1);
      const previousCommit = parents.length
        ? (
            await this.git(['rev-list', '-n1', parents[0], '--', ...paths])
          ).trim() || null
        : null;
      const diff = previousCommit
        ? await this.git(['diff', previousCommit, commit, '--', ...paths])
        : await this.git(['show', '--format=', commit, '--', ...paths]);
      return { previousCommit, diff };
    });
  }

  /** The commit of an earlier try of `changeId` on the remote branch, if one landed. */
  findChange(changeId: string): Promise<string | undefined> {
    return this.serialised(async () => {
      await this.fetch();
      return this.findLanded(changeId);
    });
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private git(args: string[], env?: Record<string, string>) {
    return git(args, { cwd: this.clone, env });
  }

  private get remoteBranch() {
    return `origin/${this.settings.branch}`;
  }

  private async prepare() {
    const { url, branch } = this.settings;
    if (isLocalPath(url)) {
      const bare = path.resolve(url);
      try {
        await fs.access(path.join(bare, 'HEAD'));
      } catch {
        await fs.mkdir(bare, { recursive: true });
        await git(['init', '--bare', '--initial-branch', branch, bare]);
        this.logger.info(`created the GitOps repository ${bare}`);
      }
    }
    const remoteUrl = isLocalPath(url) ? path.resolve(url) : url;
    let reuse = false;
    try {
      const current = (
        await this.git(['config', '--get', 'remote.origin.url'])
      ).trim();
      reuse = current === remoteUrl;
    } catch {
      reuse = false;
    }
    if (!reuse) {
      await fs.rm(this.clone, { recursive: true, force: true });
      await fs.mkdir(this.clone, { recursive: true });
      await this.git(['init', '--initial-branch', branch]);
      await this.git(['remote', 'add', 'origin', remoteUrl]);
    }
    await this.git(['config', 'user.name', COMMITTER.name]);
    await this.git(['config', 'user.email', COMMITTER.email]);
    await this.serialised(() => this.startBranchIfEmpty());
  }

  private async remoteHasBranch(): Promise<boolean> {
    const heads = await this.git([
      'ls-remote',
      '--heads',
      'origin',
      this.settings.branch,
    ]);
    return heads.trim().length > 0;
  }

  // An empty remote gets a first commit, so every later change has a parent.
  private async startBranchIfEmpty() {
    if (await this.remoteHasBranch()) return;
    await this.git(['checkout', '--orphan', this.settings.branch]).catch(
      () => undefined,
    );
    await fs.writeFile(
      path.join(this.clone, 'README.md'),
      'GPU Fleet deployments: `<cluster>/<namespace>/<deployment>/` holds the objects of each deployment as last committed.\n',
    );
    await this.git(['add', 'README.md']);
    await this.git(['commit', '-m', 'Start the GPU Fleet GitOps repository']);
    try {
      await this.git([
        'push',
        'origin',
        `HEAD:refs/heads/${this.settings.branch}`,
      ]);
    } catch (error) {
      // Another replica started it first.
      if (!(await this.remoteHasBranch())) throw error;
    }
  }

  private async fetch() {
    await this.git(['fetch', '--quiet', 'origin', this.settings.branch]);
    await this.git([
      'update-ref',
      `refs/remotes/${this.remoteBranch}`,
      'FETCH_HEAD',
    ]);
  }

  private async ensureCommit(commit: string) {
    if (!/^[0-9a-f]{40}$/.test(commit))
      throw new Error(`bad commit '${commit}'`);
    try {
      await this.git(['cat-file', '-e', `${commit}^{commit}`]);
    } catch {
      await this.fetch();
    }
  }

  private async findLanded(changeId: string): Promise<string | undefined> {
    const found = await this.git([
      'log',
      this.remoteBranch,
      '-n1',
      '--format=%H',
      '-E',
      `--grep=^${CHANGE_TRAILER}: ${changeId.replace(/[^a-z0-9/._-]/g, '.')}$`,
    ]);
    return found.trim() || undefined;
  }

  /** Which changes the remote branch already holds, by change id. */
  private async landedChanges(): Promise<Map<string, string>> {
    const log = await this.git([
      'log',
      this.remoteBranch,
      `--format=%H%x09%(trailers:key=${CHANGE_TRAILER},valueonly,separator=%x2C)`,
    ]);
    const landed = new Map<string, string>();
    for (const line of log.split('\n')) {
      const [sha, ids] = line.split('\t');
      for (const id of ids?.split(',') ?? []) {
        if (id && !landed.has(id)) landed.set(id, sha);
      }
    }
    return landed;
  }

  /**
   * Commits every queued change, one commit each, and pushes them at once:
   * a hundred changes cost one fetch and one push, not a hundred.
   */
  private async commitBatch() {
    const batch = this.pending.splice(0);
    for (let attempt = 1; ; attempt++) {
      const made = new Map<PendingChange, string>();
      const failed = new Map<PendingChange, Error>();
      try {
        await this.fetch();
        const landed = await this.landedChanges();
        await this.git([
          'checkout',
          '--quiet',
          '-B',
          this.settings.branch,
          this.remoteBranch,
        ]);
        await this.git(['clean', '-fdq']);
        for (const item of batch) {
          const earlier = landed.get(item.change.changeId);
          if (earlier) {
            made.set(item, earlier);
            continue;
          }
          try {
            const commit = await this.commitOne(item.change);
            made.set(item, commit);
            // The same change twice in one batch is committed once.
            landed.set(item.change.changeId, commit);
          } catch (error) {
            failed.set(item, error as Error);
            await this.git(['reset', '--quiet', '--hard', 'HEAD']);
            await this.git(['clean', '-fdq']);
          }
        }
        await this.git([
          'push',
          '--quiet',
          'origin',
          `HEAD:refs/heads/${this.settings.branch}`,
        ]);
      } catch (error) {
        if (attempt < PUSH_ATTEMPTS) {
          this.logger.info(
            `GitOps push lost a race (${
              (error as GitError).message
            }); trying again`,
          );
          continue;
        }
        for (const item of batch) item.reject(error as Error);
        return;
      }
      for (const item of batch) {
        const error = failed.get(item);
        if (error) item.reject(error);
        else item.resolve(made.get(item)!);
      }
      return;
    }
  }

  private async commitOne(change: GitChange): Promise<string> {
    await this.writeChange(change);
    await this.git(['add', '-A']);
    await this.git(
      [
        'commit',
        '--quiet',
        '--allow-empty',
        '-m',
        `${change.message}\n\n${CHANGE_TRAILER}: ${change.changeId}`,
      ],
      {
        GIT_AUTHOR_NAME: change.author.name,
        GIT_AUTHOR_EMAIL: change.author.email,
      },
    );
    return (await this.git(['rev-parse', 'HEAD'])).trim();
  }

  private async writeChange(change: GitChange) {
    for (const folder of [change.path, ...(change.removePaths ?? [])]) {
      await fs.rm(path.join(this.clone, safeRelative(folder)), {
        recursive: true,
        force: true,
      });
    }
    const dir = path.join(this.clone, safeRelative(change.path));
    for (const [name, text] of Object.entries(change.files)) {
      const file = path.join(dir, safeRelative(name));
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, text);
    }
  }
}
