import { Breadcrumbs, InfoCard, Link } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { Box, Button, Grid, Typography } from '@material-ui/core';
import type {
  DeploymentPreview,
  DeploymentTemplate,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { ReactNode, useEffect, useId, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { errorMessage, unmetRequirementsOf } from '../../api/apiErrors';
import { ApiIssue, apiIssues } from '../../api/apiIssues';
import { gpuFleetApiRef } from '../../api/GpuFleetApi';
import { usePolledAsync } from '../../hooks/usePolledAsync';
import { deploymentRouteRef, deploymentsRouteRef } from '../../routes';
import { GpuFleetLayout } from '../shared/GpuFleetLayout';
import { FormIssuesAlert } from '../WorkspaceForm/FormIssuesAlert';
import { BasicsFields } from './BasicsFields';
import {
  buildManifest,
  DeploymentForm,
  emptyDeploymentForm,
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

type Action = 'preview' | 'create';

/**
 * What the API refused, by field. A create the cluster cannot run yet is
 * refused with each unmet requirement, which names its field too.
 */
function issuesOf(error: unknown): ApiIssue[] {
  const unmet = unmetRequirementsOf(error);
  if (!unmet) return apiIssues(error, MANIFEST_FIELDS);
  return [
    { path: '', message: "The workspace's cluster cannot run it yet." },
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
 * The form for a vLLM service or an MPIJob run: previewed as the files a
 * commit would hold, then created and followed on its own page.
 */
export const NewDeploymentPage = () => {
  const api = useApi(gpuFleetApiRef);
  const navigate = useNavigate();
  const deploymentLink = useRouteRef(deploymentRouteRef);
  const deploymentsLink = useRouteRef(deploymentsRouteRef);
  const formId = useId();
  const [searchParams] = useSearchParams();
  const [form, setForm] = useState<DeploymentForm>(() =>
    emptyDeploymentForm(searchParams.get('workspace') ?? ''),
  );
  const [issues, setIssues] = useState<ApiIssue[]>([]);
  const [busy, setBusy] = useState<Action>();
  const [lastAction, setLastAction] = useState<Action>('create');
  const [preview, setPreview] = useState<DeploymentPreview>();

  const workspaces = usePolledAsync(() => api.listWorkspaces(), [api]);
  const deployable = (workspaces.value ?? []).filter(w => w.access.deploy);
  const workspace = deployable.find(w => w.name === form.workspace);
  const cluster = workspace?.cluster;
  const capacity = usePolledAsync(
    async () =>
      cluster ? api.getCapacity(['gpuType'], { cluster }) : undefined,
    [api, cluster],
  );
  const gpuTypes = gpuTypeOptions(capacity.value);

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
    const built = buildManifest(form);
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
        const created = await api.createDeployment(built.request);
        navigate(
          deploymentLink({ workspace: created.workspace, name: created.name }),
        );
        return;
      }
    } catch (e) {
      setIssues(issuesOf(e));
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
    <GpuFleetLayout
      title="New deployment"
      subtitle="A vLLM service or an MPIJob training run, committed to Git and delivered to the workspace's cluster"
    >
      <Box mb={2}>
        <Breadcrumbs aria-label="breadcrumb">
          <Link to={deploymentsLink()}>Deployments</Link>
          <Typography>New</Typography>
        </Breadcrumbs>
      </Box>
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <InfoCard title="Manifest">
            <form
              id={formId}
              noValidate
              onSubmit={e => {
                e.preventDefault();
                run('create');
              }}
            >
              <TemplateChoice
                value={form.template}
                onChange={(template: DeploymentTemplate) => {
                  setForm(current => withTemplate(current, template));
                  setPreview(undefined);
                }}
              />
              <BasicsFields
                {...sectionProps}
                workspaces={deployable}
                workspacesLoaded={!!workspaces.value}
              />
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
                    : 'The deployment was not created.'
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
                  {busy === 'create' ? 'Creating…' : 'Create deployment'}
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
    </GpuFleetLayout>
  );
};
