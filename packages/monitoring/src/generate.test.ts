import { readFile } from 'fs/promises';
import { join } from 'path';
import { generatedFiles } from './generate';
import { REPOSITORY_ROOT } from './repositoryRoot';
import { DEFAULT_SETTINGS, settingsFromEnv } from './settings';

describe('generated files', () => {
  const files = generatedFiles(DEFAULT_SETTINGS);

  it.each(Object.keys(files))(
    '%s is committed exactly as generated (run `yarn monitoring:generate`)',
    async path => {
      const committed = await readFile(join(REPOSITORY_ROOT, path), 'utf8');
      expect(committed).toBe(files[path]);
    },
  );

  it('gives the chart identical copies of the rules and dashboards', () => {
    expect(files['charts/docuchat/files/prometheus/alerts.yml']).toBe(
      files['monitoring/prometheus/alerts.yml'],
    );
    for (const name of ['backend-overview.json', 'token-usage.json']) {
      expect(files[`charts/docuchat/files/grafana/${name}`]).toBe(
        files[`monitoring/grafana/${name}`],
      );
    }
  });

  it('points every runbook_url at one configurable base', () => {
    const base =
      'https://git.example.com/ops/docuchat/-/blob/main/docs/fa/runbooks/';
    const rules = generatedFiles(
      settingsFromEnv({ DOCUCHAT_RUNBOOK_BASE_URL: base }),
    )['monitoring/prometheus/alerts.yml'];
    const urls = [...rules.matchAll(/runbook_url: (\S+)/g)].map(m => m[1]);
    expect(urls.length).toBeGreaterThan(10);
    expect(urls.filter(url => !url.startsWith(base))).toEqual([]);
    expect(() =>
      settingsFromEnv({ DOCUCHAT_RUNBOOK_BASE_URL: 'docs/' }),
    ).toThrow(
      'DOCUCHAT_RUNBOOK_BASE_URL must be an http(s) URL ending in "/", got "docs/"',
    );
  });
});
