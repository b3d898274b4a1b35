import fs from 'node:fs';
import path from 'node:path';
import { copySources, parseDockerfile } from './__testUtils__/dockerfile';
import { repoRoot } from './__testUtils__/repoPaths';

const dockerfile = parseDockerfile(
  fs.readFileSync(path.join(repoRoot, 'packages/backend/Dockerfile'), 'utf8'),
);
const all = (keyword: string) => dockerfile.filter(i => i.keyword === keyword);

// The rules hadolint would apply that matter for this image, and the issue's
// own: Node 22, numeric non-root user, templates beside examples.
describe('packages/backend/Dockerfile', () => {
  it('is based on Node 22 with a pinned tag (DL3006, DL3007)', () => {
    expect(all('FROM').map(i => i.args)).toEqual([
      expect.stringMatching(/^node:22-[a-z]+-slim$/),
    ]);
  });

  it('runs as the numeric non-root user 1000 (DL3002; runAsNonRoot can verify it)', () => {
    const users = all('USER').map(i => i.args);
    expect(users.at(-1)).toBe('1000');
    const lastUserLine = all('USER').at(-1)!.line;
    // Every file copied after the switch belongs to that user.
    for (const copy of all('COPY').filter(i => i.line > lastUserLine)) {
      expect([copy.line, copy.args]).toEqual([
        copy.line,
        expect.stringContaining('--chown=1000:1000'),
      ]);
    }
  });

  it('copies examples/ and catalog-info.yaml, and no templates/ (they ship in the scaffolder module package)', () => {
    const copies = all('COPY').map(i => i.args);
    expect(copies).toContainEqual(
      expect.stringMatching(/\bexamples \.\/examples$/),
    );
    expect(copies).toContainEqual(
      expect.stringMatching(/ catalog-info\.yaml \.\/$/),
    );
    expect(copies.filter(a => /\btemplates\b/.test(a))).toEqual([]);
  });

  it('every COPY source exists, except build outputs', () => {
    const buildOutputs = /^packages\/backend\/dist\//;
    const missing = all('COPY')
      .flatMap(copySources)
      .filter(source => !buildOutputs.test(source))
      .filter(source => !source.includes('*'))
      .filter(source => !fs.existsSync(path.join(repoRoot, source)));
    expect(missing).toEqual([]);
  });

  it('installs apt packages without recommends and cleans the lists (DL3015, DL3009)', () => {
    for (const run of all('RUN').filter(i =>
      i.args.includes('apt-get install'),
    )) {
      expect(run.args).toContain('--no-install-recommends');
      expect(run.args).toContain('rm -rf /var/lib/apt/lists/*');
    }
  });

  it('uses COPY not ADD (DL3020), an absolute WORKDIR (DL3000) and an exec-form CMD (DL3025)', () => {
    expect(all('ADD')).toEqual([]);
    expect(all('WORKDIR').every(i => i.args.startsWith('/'))).toBe(true);
    const cmd = all('CMD');
    expect(cmd).toHaveLength(1);
    expect(JSON.parse(cmd[0].args)).toEqual([
      'node',
      'packages/backend',
      '--config',
      'app-config.yaml',
      '--config',
      'app-config.production.yaml',
    ]);
  });

  it('the parser joins continuations and skips comments', () => {
    expect(
      parseDockerfile(
        '# c\nFROM a:1\nRUN x \\\n  # inner\n  && y\nUSER 1000\n',
      ),
    ).toEqual([
      { keyword: 'FROM', args: 'a:1', line: 2 },
      { keyword: 'RUN', args: 'x && y', line: 3 },
      { keyword: 'USER', args: '1000', line: 6 },
    ]);
  });
});
