import {
  KubeConfig,
  KubernetesListObject,
  KubernetesObject,
  ListWatch,
  V1ListMeta,
  Watch,
} from '@kubernetes/client-node';

/** What the informer cache keeps of one object: its identity and a small derived value. */
export interface SlimObject<T> extends KubernetesObject {
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  value: T;
}

export function slimObject<T>(obj: KubernetesObject, value: T): SlimObject<T> {
  return {
    metadata: {
      name: obj.metadata?.name ?? '',
      namespace: obj.metadata?.namespace,
      resourceVersion: obj.metadata?.resourceVersion,
    },
    value,
  };
}

const OBJECT_EVENTS = new Set(['ADDED', 'MODIFIED', 'DELETED']);

/**
 * A Watch that hands the informer a slim copy of each object, so the cache
 * holds kilobytes per thousand pods instead of whole pod specs, and asks for
 * bookmarks so a quiet watch can resume without relisting.
 */
class SlimmingWatch<T> extends Watch {
  constructor(
    config: KubeConfig,
    private readonly slim: (obj: any) => SlimObject<T>,
  ) {
    super(config);
  }

  override watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: any, watchObj?: any) => void,
    done: (err: any) => void,
  ): Promise<AbortController> {
    return super.watch(
      path,
      { ...queryParams, allowWatchBookmarks: true },
      (phase, obj) =>
        // ERROR (410 Expired) and BOOKMARK pass through: the informer reads them as they are.
        callback(phase, OBJECT_EVENTS.has(phase) ? this.slim(obj) : obj),
      done,
    );
  }
}

export interface ListPage<K> {
  items: K[];
  metadata?: V1ListMeta;
}

/**
 * client-node's informer (ListWatch: list, then watch from the list's
 * resourceVersion, relist on 410 Expired) over slim objects. Lists are read
 * in pages so a large cluster never sits in memory whole.
 */
export function makeSlimInformer<K extends KubernetesObject, T>(options: {
  kubeConfig: KubeConfig;
  path: string;
  listPage: (page: {
    limit: number;
    _continue?: string;
    fieldSelector?: string;
    labelSelector?: string;
  }) => Promise<ListPage<K>>;
  slim: (obj: K) => SlimObject<T>;
  fieldSelector?: string;
  labelSelector?: string;
  pageSize: number;
}): ListWatch<SlimObject<T>> {
  const list = async (): Promise<KubernetesListObject<SlimObject<T>>> => {
    const items: SlimObject<T>[] = [];
    let next: string | undefined;
    let metadata: V1ListMeta | undefined;
    do {
      const page = await options.listPage({
        limit: options.pageSize,
        _continue: next,
        fieldSelector: options.fieldSelector,
        labelSelector: options.labelSelector,
      });
      for (const item of page.items) items.push(options.slim(item));
      metadata = page.metadata;
      next = page.metadata?._continue || undefined;
    } while (next);
    return { metadata: { resourceVersion: metadata?.resourceVersion }, items };
  };
  return new ListWatch(
    options.path,
    new SlimmingWatch(options.kubeConfig, options.slim),
    list,
    false,
    options.labelSelector,
    options.fieldSelector,
  );
}
