import { KubeApiForwarder } from '../KubeApiForwarder';
import {
  CannotTell,
  CheckOutcome,
  firstNames,
  listIfServed,
  listObjects,
} from './clusterApi';

const addressOf = (service: any): string | undefined => {
  const ingress = service.status?.loadBalancer?.ingress ?? [];
  const first = ingress.find((i: any) => i.ip || i.hostname);
  return first ? first.ip ?? first.hostname : undefined;
};

/** An IngressClass (a controller is installed) or a LoadBalancer Service that got an address. */
export async function checkIngress(
  kube: KubeApiForwarder,
): Promise<CheckOutcome> {
  const classes = await listIfServed(
    kube,
    '/apis/networking.k8s.io/v1/ingressclasses',
    'IngressClasses',
  );
  const classNames = (classes?.items ?? []).map(c => String(c.metadata?.name));
  let balancers: any[] | undefined;
  let servicesUnseen: string | undefined;
  try {
    balancers = (
      await listObjects(kube, '/api/v1/services', 'Services')
    ).items.filter(s => s.spec?.type === 'LoadBalancer');
  } catch (error) {
    if (!(error instanceof CannotTell)) throw error;
    servicesUnseen = error.message;
  }
  const named = (s: any) => `${s.metadata?.namespace}/${s.metadata?.name}`;
  const withAddress = (balancers ?? [])
    .filter(s => addressOf(s))
    .map(s => `${named(s)} (${addressOf(s)})`);
  const pending = (balancers ?? []).filter(s => !addressOf(s)).map(named);
  const details = {
    ingressClasses: classNames,
    ...(classes ? {} : { ingressClassesServed: false }),
    loadBalancersWithAddress: firstNames(withAddress),
    loadBalancersPending: firstNames(pending),
    ...(servicesUnseen ? { services: servicesUnseen } : {}),
  };
  if (classNames.length > 0 || withAddress.length > 0) {
    return {
      status: 'pass',
      message: [
        classNames.length ? `ingress classes: ${classNames.join(', ')}` : '',
        withAddress.length
          ? `LoadBalancer services with an address: ${withAddress
              .slice(0, 3)
              .join(', ')}`
          : '',
      ]
        .filter(Boolean)
        .join('; '),
      details,
    };
  }
  if (!classes || servicesUnseen) {
    return {
      status: 'unknown',
      message: [
        classes
          ? ''
          : 'the API server does not serve networking.k8s.io IngressClasses',
        servicesUnseen ?? '',
      ]
        .filter(Boolean)
        .join('; '),
      details,
    };
  }
  return {
    status: 'fail',
    message: pending.length
      ? `no IngressClass, and no LoadBalancer service got an address (waiting: ${pending
          .slice(0, 3)
          .join(', ')})`
      : 'no IngressClass and no LoadBalancer service',
    details,
  };
}
