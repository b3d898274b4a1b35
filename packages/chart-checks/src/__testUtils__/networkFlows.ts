import { Manifest } from './helm';
import { podTemplates } from './workloads';

type Selector = { matchLabels?: Record<string, string> };

/** Names for peers outside the release, so flows read as sentences. */
export type PeerNames = {
  /** name → { namespaceSelector, podSelector } as written in values. */
  namespaced: Record<
    string,
    { namespaceSelector: unknown; podSelector: unknown }
  >;
  /** "cidr" or "cidr except a,b" → name. */
  ipBlocks: Record<string, string>;
};

export type NetworkFlows = {
  /** "from -> to port/protocol", allowed on both ends where both are ours. */
  flows: string[];
  /** Edges between our pods that only one side's policy allows. */
  oneSided: string[];
  /** Components no NetworkPolicy selects. */
  unselected: string[];
};

function matches(
  selector: Selector | undefined,
  labels: Record<string, string>,
) {
  return Object.entries(selector?.matchLabels ?? {}).every(
    ([key, value]) => labels[key] === value,
  );
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

const componentLabel = 'app.kubernetes.io/component';

/**
 * The traffic the rendered NetworkPolicies allow, as "from -> to port"
 * lines. Our pods are named by their component label; other peers by
 * PeerNames; unnamed ones appear raw, so a test listing the expected flows
 * catches anything new.
 */
export function networkFlows(
  manifests: Manifest[],
  names: PeerNames,
): NetworkFlows {
  const pods = podTemplates(manifests).map(pod => ({
    component: pod.labels[componentLabel],
    labels: pod.labels,
  }));
  const components = [...new Set(pods.map(p => p.component))];

  const peerNames = (peer: any): string[] => {
    if (peer.ipBlock) {
      const key = peer.ipBlock.except?.length
        ? `${peer.ipBlock.cidr} except ${peer.ipBlock.except.join(',')}`
        : peer.ipBlock.cidr;
      return [names.ipBlocks[key] ?? `ipBlock ${key}`];
    }
    if (peer.namespaceSelector) {
      const key = canonical({
        namespaceSelector: peer.namespaceSelector,
        podSelector: peer.podSelector ?? {},
      });
      const name = Object.entries(names.namespaced).find(
        ([, selectors]) => canonical(selectors) === key,
      )?.[0];
      return [name ?? `namespace ${key}`];
    }
    const selected = pods.filter(p => matches(peer.podSelector, p.labels));
    return [...new Set(selected.map(p => p.component))];
  };
  const portNames = (rule: any): string[] =>
    rule.ports?.length
      ? rule.ports.map((p: any) => `${p.port}/${p.protocol ?? 'TCP'}`)
      : ['any port'];

  const egress = new Set<string>();
  const ingress = new Set<string>();
  const selectedComponents = new Set<string>();
  for (const policy of manifests.filter(m => m.kind === 'NetworkPolicy')) {
    const selected = pods.filter(p =>
      matches(policy.spec.podSelector, p.labels),
    );
    for (const { component } of selected) {
      selectedComponents.add(component);
      for (const rule of policy.spec.ingress ?? []) {
        const peers = rule.from ? rule.from.flatMap(peerNames) : ['anywhere'];
        for (const peer of peers) {
          for (const port of portNames(rule)) {
            ingress.add(`${peer} -> ${component} ${port}`);
          }
        }
      }
      for (const rule of policy.spec.egress ?? []) {
        const peers = rule.to ? rule.to.flatMap(peerNames) : ['anywhere'];
        for (const peer of peers) {
          for (const port of portNames(rule)) {
            egress.add(`${component} -> ${peer} ${port}`);
          }
        }
      }
    }
  }

  const ours = (edge: string) => {
    const [from, rest] = edge.split(' -> ');
    return components.includes(from) && components.includes(rest.split(' ')[0]);
  };
  const flows = new Set<string>();
  const oneSided = new Set<string>();
  for (const edge of [...egress, ...ingress]) {
    if (!ours(edge)) flows.add(edge);
    else if (egress.has(edge) && ingress.has(edge)) flows.add(edge);
    else oneSided.add(edge);
  }
  return {
    flows: [...flows].sort(),
    oneSided: [...oneSided].sort(),
    unselected: components.filter(c => !selectedComponents.has(c)).sort(),
  };
}
