import { Entity, stringifyEntityRef } from '@backstage/catalog-model';

// Annotations that only say where the catalog read the entity from, or hold
// machine state: noise to a reader.
const DULL_ANNOTATIONS = [
  /^backstage\.io\/managed-by-/,
  /^backstage\.io\/(view|edit)-url$/,
  /^backstage\.io\/source-location$/,
  /^kubectl\.kubernetes\.io\//,
];
const MAX_ANNOTATION_CHARS = 200;

function line(label: string, value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  const text = Array.isArray(value) ? value.join(', ') : String(value);
  return text ? [`- ${label}: ${text}`] : [];
}

/**
 * A catalog entity as a short Markdown document (kind, name, description,
 * owner, system, lifecycle, links and the annotations worth reading), so
 * questions like "who owns the billing service?" have a passage to cite.
 */
export function renderEntityDocument(entity: Entity): {
  title: string;
  markdown: string;
} {
  const ref = stringifyEntityRef(entity);
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  const title = entity.metadata.title || entity.metadata.name;
  const kind = spec.type ? `${entity.kind} (${spec.type})` : entity.kind;
  const lines = [
    `# ${title}`,
    '',
    `${kind} \`${ref}\`.`,
    '',
    ...(entity.metadata.description ? [entity.metadata.description, ''] : []),
    ...line('Owner', spec.owner),
    ...line('System', spec.system),
    ...line('Domain', spec.domain),
    ...line('Lifecycle', spec.lifecycle),
    ...line('Depends on', spec.dependsOn),
    ...line('Provides APIs', spec.providesApis),
    ...line('Consumes APIs', spec.consumesApis),
    ...line('Tags', entity.metadata.tags),
  ];
  // One section, no sub-headings: the entity stays one passage, so the
  // owner and the name are cited together.
  for (const link of entity.metadata.links ?? []) {
    lines.push(`- Link: [${link.title || link.url}](${link.url})`);
  }
  const annotations = Object.entries(entity.metadata.annotations ?? {}).filter(
    ([key, value]) =>
      !DULL_ANNOTATIONS.some(pattern => pattern.test(key)) &&
      value.length <= MAX_ANNOTATION_CHARS,
  );
  for (const [key, value] of annotations) lines.push(`- ${key}: ${value}`);
  return { title, markdown: `${lines.join('\n')}\n` };
}
