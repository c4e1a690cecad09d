/**
 * What Argo CD's repo-server does for a plain directory source: resolves a
 * revision in a Git repository and reads the manifests in one folder of it,
 * with the git CLI and a bare cache repository per repository URL.
 */

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { isPlainObject, KubeObject } from '../kubeObject';

/** The manifests of a source at one commit. */
export interface RenderedSource {
  /** The commit SHA the revision resolved to. */
  revision: string;
  /** Every document of every manifest file, in file-name order. */
  objects: KubeObject[];
}

const COMMIT_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;
const MANIFEST_FILE = /\.(?:ya?ml|json)$/i;
const GIT_TIMEOUT_MS = 60_000;
// Never prompt, never read the user's or the machine's git settings.
const GIT_ENV = {
  GIT_TERMINAL_PROMPT: '0',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  LC_ALL: 'C',
};

export const isCommitSha = (revision: string) => COMMIT_SHA.test(revision);

export class ArgoRepoServer {
  #root: string | undefined;
  /** One git operation at a time per cache repository. */
  readonly #chains = new Map<string, Promise<unknown>>();
  readonly #abort = new AbortController();

  /** Resolves `targetRevision` (a SHA, branch, tag or HEAD) and reads the manifests under `path`. */
  render(
    repoUrl: string,
    targetRevision: string,
    path: string,
  ): Promise<RenderedSource> {
    const dir = this.#cacheDir(repoUrl);
    const previous = this.#chains.get(dir) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        if (!existsSync(join(dir, 'HEAD'))) {
          await this.#git(['init', '--quiet', '--bare', dir]);
        }
        const revision = await this.#resolve(repoUrl, targetRevision);
        await this.#ensureCommit(dir, repoUrl, revision);
        return {
          revision,
          objects: await this.#readManifests(dir, revision, path),
        };
      });
    this.#chains.set(dir, next);
    return next;
  }

  /** Ends running git processes and removes the cache. */
  close(): void {
    this.#abort.abort();
    if (this.#root) rmSync(this.#root, { recursive: true, force: true });
  }

  #cacheDir(repoUrl: string): string {
    this.#root ??= mkdtempSync(join(tmpdir(), 'k8s-simulator-argocd-'));
    const digest = createHash('sha256').update(repoUrl).digest('hex');
    return join(this.#root, digest.slice(0, 16));
  }

  async #resolve(repoUrl: string, targetRevision: string): Promise<string> {
    if (isCommitSha(targetRevision)) return targetRevision.toLowerCase();
    const listed = await this.#git(['ls-remote', '--', repoUrl]).catch(
      (error: Error) => {
        throw new Error(`failed to list refs of ${repoUrl}: ${error.message}`);
      },
    );
    const refs = new Map<string, string>();
    for (const line of listed.split('\n')) {
      const [sha, ref] = line.split('\t');
      if (sha && ref) refs.set(ref, sha);
    }
    const revision = targetRevision || 'HEAD';
    const candidates =
      revision === 'HEAD' || revision.startsWith('refs/')
        ? [revision]
        : [
            `refs/heads/${revision}`,
            // An annotated tag names its tag object; the commit is the peeled one.
            `refs/tags/${revision}^{}`,
            `refs/tags/${revision}`,
          ];
    for (const candidate of candidates) {
      const sha = refs.get(candidate);
      if (sha) return sha;
    }
    throw new Error(
      `unable to resolve '${revision}' to a commit SHA in ${repoUrl}`,
    );
  }

  async #ensureCommit(dir: string, repoUrl: string, sha: string) {
    const present = () =>
      this.#git(['cat-file', '-e', `${sha}^{commit}`], dir).then(
        () => true,
        () => false,
      );
    if (await present()) return;
    // Protocol v2 lets a client ask for any commit, advertised or not.
    await this.#git(['fetch', '--quiet', '--no-tags', '--', repoUrl, sha], dir)
      .catch(() =>
        this.#git(
          [
            'fetch',
            '--quiet',
            '--',
            repoUrl,
            '+refs/heads/*:refs/heads/*',
            '+refs/tags/*:refs/tags/*',
          ],
          dir,
        ),
      )
      .catch((error: Error) => {
        throw new Error(`failed to fetch ${repoUrl}: ${error.message}`);
      });
    if (!(await present())) {
      throw new Error(`revision ${sha} not found in ${repoUrl}`);
    }
  }

  async #readManifests(
    dir: string,
    sha: string,
    path: string,
  ): Promise<KubeObject[]> {
    const folder = path
      .replace(/^(?:\.\/|\/)+/, '')
      .replace(/\/+$/, '')
      .replace(/^\.$/, '');
    const tree = `${sha}:${folder}`;
    const type = await this.#git(['cat-file', '-t', tree], dir).catch(() => '');
    if (type.trim() !== 'tree') {
      throw new Error(`${path}: app path does not exist`);
    }
    // Only the folder itself, as Argo CD reads a directory source without `recurse`.
    const listing = await this.#git(['ls-tree', '-z', tree], dir);
    const files = listing
      .split('\0')
      .filter(Boolean)
      .map(entry => {
        const [meta, name] = entry.split('\t');
        const [, kind, oid] = meta.split(' ');
        return { kind, oid, name };
      })
      .filter(e => e.kind === 'blob' && MANIFEST_FILE.test(e.name))
      .sort((a, b) => (a.name < b.name ? -1 : Number(a.name > b.name)));
    const objects: KubeObject[] = [];
    for (const file of files) {
      const text = await this.#git(['cat-file', 'blob', file.oid], dir);
      objects.push(...parseManifests(text, `${folder || '.'}/${file.name}`));
    }
    return objects;
  }

  #git(args: string[], cwd?: string): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(
        'git',
        args,
        {
          cwd,
          signal: this.#abort.signal,
          timeout: GIT_TIMEOUT_MS,
          maxBuffer: 64 * 1024 * 1024,
          env: { ...process.env, ...GIT_ENV },
        },
        (error, stdout, stderr) => {
          if (!error) {
            resolve(stdout);
            return;
          }
          const detail = String(stderr).trim().split('\n').pop();
          reject(new Error(detail || error.message));
        },
      );
    });
  }
}

/** The objects of one manifest file: every document, Lists unwrapped, empty documents skipped. */
export function parseManifests(text: string, file: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const doc of YAML.parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      throw new Error(
        `failed to unmarshal ${file}: ${doc.errors[0].message.split('\n')[0]}`,
      );
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    const items =
      isPlainObject(value) &&
      typeof value.kind === 'string' &&
      value.kind.endsWith('List') &&
      Array.isArray(value.items)
        ? value.items
        : [value];
    for (const item of items) {
      if (
        !isPlainObject(item) ||
        typeof item.apiVersion !== 'string' ||
        typeof item.kind !== 'string' ||
        !isPlainObject(item.metadata) ||
        typeof item.metadata.name !== 'string'
      ) {
        throw new Error(
          `${file}: every document must be a Kubernetes object with apiVersion, kind and metadata.name`,
        );
      }
      objects.push(item as KubeObject);
    }
  }
  return objects;
}
