import {
  DEPLOYMENT_LABEL,
  KubeObject,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
} from '@gpu-fleet/plugin-gpu-fleet-common';

/** Where Argo CD keeps Applications, as its chart installs it. */
export const ARGO_CD_NAMESPACE = 'argocd';

/**
 * On clusters with Argo CD, delivery applies this instead of the objects:
 * Argo CD syncs the folder at exactly the committed revision, and its
 * finalizer removes what it created when the Application goes.
 */
export function argoApplication(options: {
  repoUrl: string;
  commit: string;
  path: string;
  namespace: string;
  name: string;
}): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      // Namespace and name are DNS labels, so this stays a valid name.
      name: `${options.namespace}.${options.name}`,
      namespace: ARGO_CD_NAMESPACE,
      labels: {
        [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
        [DEPLOYMENT_LABEL]: options.name,
      },
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    } as KubeObject['metadata'],
    spec: {
      project: 'default',
      source: {
        repoURL: options.repoUrl,
        targetRevision: options.commit,
        path: options.path,
      },
      destination: {
        server: 'https://kubernetes.default.svc',
        namespace: options.namespace,
      },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: ['ServerSideApply=true'],
      },
    },
  };
}
