import { Manifest } from './helm';

/** A pod template (or a Pod) found in a rendered object. */
export type PodTemplate = {
  /** "Deployment/docuchat-portal" etc. */
  owner: string;
  kind: string;
  /** Long-running (probes expected) or run to completion (Jobs, test pods). */
  longRunning: boolean;
  labels: Record<string, string>;
  spec: any;
};

/** Every pod the manifests would create, with its owner. */
export function podTemplates(manifests: Manifest[]): PodTemplate[] {
  const pods: PodTemplate[] = [];
  for (const m of manifests) {
    const owner = `${m.kind}/${m.metadata.name}`;
    let template: any;
    let longRunning = true;
    switch (m.kind) {
      case 'Deployment':
      case 'StatefulSet':
      case 'DaemonSet':
        template = m.spec.template;
        break;
      case 'Job':
        template = m.spec.template;
        longRunning = false;
        break;
      case 'CronJob':
        template = m.spec.jobTemplate.spec.template;
        longRunning = false;
        break;
      case 'Pod':
        template = { metadata: m.metadata, spec: m.spec };
        longRunning = false;
        break;
      default:
        continue;
    }
    pods.push({
      owner,
      kind: m.kind,
      longRunning,
      labels: template.metadata?.labels ?? {},
      spec: template.spec,
    });
  }
  return pods;
}

/** Every container of the pods, init containers included. */
export function containers(pods: PodTemplate[]) {
  return pods.flatMap(pod =>
    [...(pod.spec.initContainers ?? []), ...pod.spec.containers].map(
      (container: any) => ({ pod, container }),
    ),
  );
}
