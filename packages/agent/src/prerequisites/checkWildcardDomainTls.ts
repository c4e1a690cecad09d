import { randomBytes } from 'node:crypto';
import { promises as dns } from 'node:dns';
import { KubeApiForwarder } from '../KubeApiForwarder';
import { CheckOutcome, listIfServed } from './clusterApi';
import { PrerequisiteSettings } from './prerequisiteSettings';

const isReady = (certificate: any) =>
  (certificate.status?.conditions ?? []).some(
    (c: any) => c.type === 'Ready' && c.status === 'True',
  );

/**
 * A cert-manager Certificate for a wildcard name that is Ready, and a DNS
 * record that answers for a made-up name under it. Certificates made another
 * way are invisible to the agent, so without cert-manager the check cannot tell.
 */
export async function checkWildcardDomainTls(
  kube: KubeApiForwarder,
  settings: PrerequisiteSettings,
): Promise<CheckOutcome> {
  const certificates = await listIfServed(
    kube,
    '/apis/cert-manager.io/v1/certificates',
    'cert-manager Certificates',
  );
  const wanted = settings.wildcardDomain
    ? `*.${settings.wildcardDomain}`
    : undefined;
  if (!certificates) {
    return {
      status: 'unknown',
      message:
        'cert-manager is not installed (the API server does not serve cert-manager.io), so the agent cannot see a wildcard certificate',
      details: { ...(wanted ? { wanted } : {}) },
    };
  }
  const issuers = await listIfServed(
    kube,
    '/apis/cert-manager.io/v1/clusterissuers',
    'cert-manager ClusterIssuers',
  );
  const wildcards = certificates.items
    .map(c => ({
      name: `${c.metadata?.namespace}/${c.metadata?.name}`,
      names: ((c.spec?.dnsNames ?? []) as string[]).filter(
        n => n.startsWith('*.') && (!wanted || n.toLowerCase() === wanted),
      ),
      ready: isReady(c),
    }))
    .filter(c => c.names.length > 0);
  const ready = wildcards.filter(c => c.ready);
  const details: Record<string, unknown> = {
    ...(wanted ? { wanted } : {}),
    clusterIssuers: (issuers?.items ?? []).map(i => String(i.metadata?.name)),
    wildcardCertificates: wildcards.map(
      c =>
        `${c.name} (${c.names.join(', ')}; ${c.ready ? 'Ready' : 'not Ready'})`,
    ),
  };
  if (ready.length === 0) {
    return {
      status: 'fail',
      message: wildcards.length
        ? `wildcard certificate(s) ${wildcards
            .map(c => c.name)
            .join(', ')} not Ready yet`
        : `no cert-manager Certificate for ${wanted ?? 'a wildcard name'}`,
      details,
    };
  }
  const domain = ready[0].names[0].slice(2);
  if (!settings.probeNetwork) {
    return {
      status: 'unknown',
      message: `certificate ${ready[0].name} covers *.${domain}, but network probes are off (GPU_FLEET_PROBE_NETWORK=false), so its DNS record was not checked`,
      details,
    };
  }
  const probe = `gpu-fleet-${randomBytes(4).toString('hex')}.${domain}`;
  try {
    const { address } = await dns.lookup(probe);
    return {
      status: 'pass',
      message: `certificate ${ready[0].name} covers *.${domain}, and ${probe} resolves to ${address}`,
      details: { ...details, resolved: { [probe]: address } },
    };
  } catch (error) {
    return {
      status: 'fail',
      message: `certificate ${
        ready[0].name
      } covers *.${domain}, but ${probe} does not resolve (${
        (error as NodeJS.ErrnoException).code ?? (error as Error).message
      }): no wildcard DNS record`,
      details,
    };
  }
}
