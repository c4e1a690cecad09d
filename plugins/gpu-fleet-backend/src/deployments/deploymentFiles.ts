import {
  KubeObject,
  RevisionObjectRef,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import YAML from 'yaml';

/** The folder of a deployment in the GitOps repository. */
export function deploymentPath(
  cluster: string,
  namespace: string,
  name: string,
): string {
  return `${cluster}/${namespace}/${name}`;
}

/** One YAML file per object, numbered in apply order so the folder reads as it is applied. */
export function objectsToFiles(objects: KubeObject[]): Record<string, string> {
  const files: Record<string, string> = {};
  objects.forEach((object, index) => {
    const name = `${String(index + 1).padStart(
      2,
      '0',
    )}-${object.kind.toLowerCase()}-${object.metadata.name}.yaml`;
    files[name] = YAML.stringify(object, { lineWidth: 0 });
  });
  return files;
}

/** The objects a commit holds, in the order of their files. */
export function filesToObjects(files: Record<string, string>): KubeObject[] {
  return Object.keys(files)
    .filter(name => name.endsWith('.yaml'))
    .sort()
    .flatMap(name =>
      YAML.parseAllDocuments(files[name])
        .map(doc => doc.toJSON() as KubeObject)
        .filter(Boolean),
    );
}

export function objectRef(object: KubeObject): RevisionObjectRef {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    name: object.metadata.name,
    ...(object.metadata.namespace
      ? { namespace: object.metadata.namespace }
      : {}),
  };
}

export function sameRef(a: RevisionObjectRef, b: RevisionObjectRef): boolean {
  return (
    a.apiVersion === b.apiVersion &&
    a.kind === b.kind &&
    a.name === b.name &&
    (a.namespace ?? '') === (b.namespace ?? '')
  );
}
