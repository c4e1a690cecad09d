import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Box, Button, Grid, Typography } from '@material-ui/core';
import type {
  Cluster,
  DeploymentManifestInput,
  DeploymentPreview,
  DeploymentTemplate,
  WorkspaceView,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { ReactNode, useEffect, useId, useState } from 'react';
import { errorMessage, unmetRequirementsOf } from '../../api/apiErrors';
import { ApiIssue, apiIssues } from '../../api/apiIssues';
import { gpuFleetApiRef } from '../../api/GpuFleetApi';
import { usePolledAsync } from '../../hooks/usePolledAsync';
import type { Built } from '../WorkspaceForm/workspaceFormModel';
import { FormIssuesAlert } from '../WorkspaceForm/FormIssuesAlert';
import { BasicsFields } from './BasicsFields';
import { ClusterField } from './ClusterField';
import {
  DeploymentForm,
  MANIFEST_FIELDS,
  withTemplate,
} from './deploymentFormModel';
import { gpuTypeOptions } from './gpuTypeOptions';
import { MpiFields } from './MpiFields';
import { PreviewPanel } from './PreviewPanel';
import { ReplicaFields } from './ReplicaFields';
import { ResourceFields } from './ResourceFields';
import { StorageFields } from './StorageFields';
import { TemplateChoice } from './TemplateChoice';

// Paths the form shows issues for beside an input.
const SHOWN = [
  'workspace',
  'cluster',
  'name',
  'image',
  'model',
  'resources.gpu.type',
  'resources.gpu.count',
  'resources.cpu',
  'resources.memory',
  'capacityType',
  'replicas.min',
  'replicas.max',
  'storage',
  'mpi.workers',
  'mpi.gpusPerWorker',
  'mpi.rdma.enabled',
  'mpi.rdma.shmSize',
];

type Action = 'preview' | 'save';

const WORDS = {
  create: {
    save: 'Create deployment',
    saving: 'Creating…',
    refused: 'The deployment was not created.',
  },
  edit: {
    save: 'Save',
    saving: 'Saving…',
    refused: 'The deployment was not saved.',
  },
};

/**
 * What the API refused, by field. A manifest the cluster cannot run yet is
 * refused with each unmet requirement, which names its field too.
 */
function issuesOf(error: unknown, cannotRun: string): ApiIssue[] {
  const unmet = unmetRequirementsOf(error);
  if (!unmet) return apiIssues(error, MANIFEST_FIELDS);
  return [
    { path: '', message: cannotRun },
    ...unmet.map(u => ({ path: u.field, message: u.message })),
  ];
}

const Section = ({
  title,
  children,
}: {
  title: string;
  children: ReactNode;
}) => (
  <Box component="section" mt={3}>
    <Typography variant="h6" component="h2">
      {title}
    </Typography>
    {children}
  </Box>
);

/**
 * The manifest form of a vLLM service or an MPIJob run, previewed as the
 * files a commit would hold. Creating, every field is open; editing, the
 * template, workspace and name stay as they are and the cluster may change.
 */
export const DeploymentFormCard = ({
  mode,
  initial,
  workspaces,
  workspacesLoaded,
  clusters,
  manifestOf,
  save,
}: {
  mode: 'create' | 'edit';
  initial: DeploymentForm;
  /** The workspaces the form may deploy into. */
  workspaces: WorkspaceView[];
  workspacesLoaded: boolean;
  /** Editing: the clusters it may move to; undefined while they load. */
  clusters?: Cluster[];
  manifestOf(form: DeploymentForm): Built<DeploymentManifestInput>;
  /** Creates or changes the deployment, then leaves the page. */
  save(manifest: DeploymentManifestInput): Promise<void>;
}) => {
  const api = useApi(gpuFleetApiRef);
  const formId = useId();
  const words = WORDS[mode];
  const [form, setForm] = useState<DeploymentForm>(initial);
  const [issues, setIssues] = useState<ApiIssue[]>([]);
  const [busy, setBusy] = useState<Action>();
  const [lastAction, setLastAction] = useState<Action>('save');
  const [preview, setPreview] = useState<DeploymentPreview>();

  const workspace = workspaces.find(w => w.name === form.workspace);
  const cluster = form.cluster || workspace?.cluster;
  const capacity = usePolledAsync(
    async () =>
      cluster ? api.getCapacity(['gpuType'], { cluster }) : undefined,
    [api, cluster],
  );
  const gpuTypes = gpuTypeOptions(capacity.value);
  // A type chosen before (or the manifest's) stays selectable where the cluster has none.
  if (form.gpuType && !gpuTypes.some(([type]) => type === form.gpuType)) {
    gpuTypes.unshift([form.gpuType, `${form.gpuType} (none on ${cluster})`]);
  }

  // Start from the type with the most GPUs free on the workspace's cluster.
  useEffect(() => {
    const rows = capacity.value?.rows ?? [];
    if (rows.length === 0) return;
    setForm(current => {
      if (current.gpuType) return current;
      const best = [...rows].sort((a, b) => b.free - a.free)[0];
      return best.key.gpuType
        ? { ...current, gpuType: best.key.gpuType }
        : current;
    });
  }, [capacity.value]);

  const change = (patch: Partial<DeploymentForm>) => {
    setForm(current => ({ ...current, ...patch }));
    // A preview of other values would mislead.
    setPreview(undefined);
  };

  const run = async (action: Action) => {
    setLastAction(action);
    const built = manifestOf(form);
    if (!('request' in built)) {
      setIssues(built.issues);
      return;
    }
    setBusy(action);
    setIssues([]);
    try {
      if (action === 'preview') {
        setPreview(await api.previewDeployment(built.request));
      } else {
        await save(built.request);
        return;
      }
    } catch (e) {
      setIssues(
        issuesOf(
          e,
          mode === 'create'
            ? "The workspace's cluster cannot run it yet."
            : `Cluster ${cluster} cannot run it yet.`,
        ),
      );
      setPreview(undefined);
    }
    setBusy(undefined);
  };

  let gpuTypesHelp = 'Choose a workspace to see its GPUs.';
  if (cluster && capacity.loading) gpuTypesHelp = `Loading ${cluster}'s GPUs…`;
  else if (cluster && capacity.error && !capacity.value) {
    gpuTypesHelp = `Could not load ${cluster}'s GPUs: ${errorMessage(
      capacity.error,
    )}`;
  } else if (cluster && capacity.value?.rows.length === 0) {
    gpuTypesHelp = `Cluster ${cluster} reports no GPUs yet; any known type may be previewed.`;
  } else if (cluster) gpuTypesHelp = `Free now on cluster ${cluster}.`;

  const sectionProps = { form, issues, onChange: change };
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <InfoCard title="Manifest">
          <form
            id={formId}
            noValidate
            onSubmit={e => {
              e.preventDefault();
              run('save');
            }}
          >
            <TemplateChoice
              value={form.template}
              disabled={mode === 'edit'}
              onChange={(template: DeploymentTemplate) => {
                setForm(current => withTemplate(current, template));
                setPreview(undefined);
              }}
            />
            <BasicsFields
              {...sectionProps}
              workspaces={workspaces}
              workspacesLoaded={workspacesLoaded}
              fixed={mode === 'edit'}
            />
            {mode === 'edit' && (
              <Grid container spacing={2}>
                <Grid item xs={12} md={6}>
                  <ClusterField
                    {...sectionProps}
                    workspace={workspace}
                    clusters={clusters ?? []}
                    clustersLoaded={!!clusters}
                  />
                </Grid>
              </Grid>
            )}
            <Section title="Resources">
              <ResourceFields
                {...sectionProps}
                workspace={workspace}
                gpuTypes={gpuTypes}
                gpuTypesHelp={gpuTypesHelp}
              />
            </Section>
            {form.template === 'vllm' ? (
              <Section title="Replicas">
                <ReplicaFields {...sectionProps} />
              </Section>
            ) : (
              <Section title="MPI workers">
                <MpiFields
                  {...sectionProps}
                  allowPrivileged={workspace?.allowPrivileged}
                />
              </Section>
            )}
            <Section title="Storage">
              <StorageFields {...sectionProps} />
            </Section>
            <FormIssuesAlert
              title={
                lastAction === 'preview'
                  ? 'The manifest could not be previewed.'
                  : words.refused
              }
              issues={issues}
              shown={SHOWN}
            />
            <Box mt={3} display="flex" justifyContent="flex-end">
              <Box mr={1}>
                <Button
                  variant="outlined"
                  disabled={!!busy}
                  onClick={() => run('preview')}
                >
                  {busy === 'preview' ? 'Previewing…' : 'Preview'}
                </Button>
              </Box>
              <Button
                type="submit"
                variant="contained"
                color="primary"
                disabled={!!busy}
              >
                {busy === 'save' ? words.saving : words.save}
              </Button>
            </Box>
          </form>
        </InfoCard>
      </Grid>
      {preview && (
        <Grid item xs={12}>
          <PreviewPanel preview={preview} />
        </Grid>
      )}
    </Grid>
  );
};
