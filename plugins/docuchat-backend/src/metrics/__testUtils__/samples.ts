/** One sample line of the Prometheus text format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The sample lines of a Prometheus text exposition, comments skipped. */
export function parseSamples(body: string): Sample[] {
  return body
    .split('\n')
    .filter(line => line !== '' && !line.startsWith('#'))
    .map(line => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`Not a sample line: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, key, value] of (match[2] ?? '').matchAll(
        /(\w+)="((?:[^"\\]|\\.)*)"/g,
      )) {
        labels[key] = value;
      }
      return { name: match[1], labels, value: Number(match[3]) };
    });
}

/** The samples of `name` whose labels include all of `labels`. */
export function samplesOf(
  body: string,
  name: string,
  labels: Record<string, string> = {},
): Sample[] {
  return parseSamples(body).filter(
    sample =>
      sample.name === name &&
      Object.entries(labels).every(([k, v]) => sample.labels[k] === v),
  );
}

/** The value of the one sample of `name` with exactly these labels. */
export function valueOf(
  body: string,
  name: string,
  labels: Record<string, string>,
): number | undefined {
  const found = samplesOf(body, name, labels).filter(
    sample => Object.keys(sample.labels).length === Object.keys(labels).length,
  );
  if (found.length > 1) throw new Error(`Several samples match ${name}`);
  return found[0]?.value;
}
