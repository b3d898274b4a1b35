import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { find, renderChart } from './__testUtils__/helm';
import { chartDir } from './__testUtils__/repoPaths';

// The shell and Node programs the chart's Jobs run, executed here for real
// (pg_dump and the backend replaced by small stand-ins).

describe('the backup CronJob script', () => {
  const cron = find(renderChart(), 'CronJob', 'docuchat-backup');
  const container = cron.spec.jobTemplate.spec.template.spec.containers[0];
  const script: string = container.args[0];

  function runBackup(pgDump: string) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docuchat-backup-'));
    const bin = path.join(dir, 'bin');
    const backups = path.join(dir, 'backups');
    fs.mkdirSync(bin);
    fs.mkdirSync(backups);
    fs.writeFileSync(path.join(bin, 'pg_dump'), `#!/bin/sh\n${pgDump}\n`, {
      mode: 0o755,
    });
    const day = 24 * 3600 * 1000;
    const old = new Date(Date.now() - 20 * day);
    const recent = new Date(Date.now() - 3 * day);
    for (const [name, time] of [
      ['docuchat-20200101T003000Z.dump', old],
      ['docuchat-20200102T003000Z.dump.partial', old],
      ['docuchat-20200103T003000Z.dump', recent],
      ['notes.txt', old],
    ] as const) {
      fs.writeFileSync(path.join(backups, name), 'x');
      fs.utimesSync(path.join(backups, name), time, time);
    }
    const result = spawnSync('/bin/sh', ['-ec', script], {
      encoding: 'utf8',
      env: {
        PATH: `${bin}:${process.env.PATH}`,
        BACKUP_DIR: backups,
        DOCUCHAT_RETENTION_DAYS: '14',
      },
    });
    return { result, files: fs.readdirSync(backups).sort() };
  }

  it('writes docuchat-<UTC stamp>.dump and deletes only dumps past the retention', () => {
    const { result, files } = runBackup(
      'for a in "$@"; do case "$a" in --file=*) echo dump > "${a#--file=}";; esac; done',
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const written = files.filter(f => !f.startsWith('docuchat-2020'));
    expect(written).toEqual([
      expect.stringMatching(/^docuchat-\d{8}T\d{6}Z\.dump$/),
      'notes.txt',
    ]);
    expect(files).toContain('docuchat-20200103T003000Z.dump');
    expect(files).not.toContain('docuchat-20200101T003000Z.dump');
    expect(files).not.toContain('docuchat-20200102T003000Z.dump.partial');
    expect(result.stdout).toMatch(
      /backup: wrote .*docuchat-\d{8}T\d{6}Z\.dump/,
    );
  });

  it('a failed pg_dump fails the Job, leaves no dump and deletes nothing', () => {
    const { result, files } = runBackup(
      'echo "connection refused" >&2; exit 1',
    );
    expect(result.status).not.toBe(0);
    expect(files).toEqual([
      'docuchat-20200101T003000Z.dump',
      'docuchat-20200102T003000Z.dump.partial',
      'docuchat-20200103T003000Z.dump',
      'notes.txt',
    ]);
  });
});

describe('the migration Job (files/migrate.mjs)', () => {
  const migrate = path.join(chartDir, 'files/migrate.mjs');

  async function freePort(): Promise<number> {
    const server = net.createServer();
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise(resolve => server.close(resolve));
    return port;
  }

  function run(backend: string, port: number) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docuchat-migrate-'));
    const file = path.join(dir, 'backend.mjs');
    fs.writeFileSync(file, backend);
    const child = spawn(process.execPath, [migrate, process.execPath, file], {
      env: { ...process.env, DOCUCHAT_PORT: String(port) },
    });
    let output = '';
    child.stdout.on('data', d => (output += d));
    child.stderr.on('data', d => (output += d));
    return new Promise<{ code: number | null; output: string }>(resolve =>
      child.on('exit', code => resolve({ code, output })),
    );
  }

  it('waits until the backend is ready (migrated), stops it and succeeds', async () => {
    const port = await freePort();
    const { code, output } = await run(
      `import http from 'node:http';
      const started = Date.now();
      // Not ready for 3 s, as while plugins migrate.
      http.createServer((req, res) => {
        const ready = Date.now() - started > 3000;
        res.writeHead(req.url === '/.backstage/health/v1/readiness' && ready ? 200 : 503).end();
      }).listen(${port}, '127.0.0.1');
      process.on('SIGTERM', () => { console.log('backend: stopped after', Date.now() - started, 'ms'); process.exit(0); });`,
      port,
    );
    expect(code).toBe(0);
    expect(output).toContain('every plugin has started and migrated');
    const stoppedAfter = Number(/stopped after (\d+) ms/.exec(output)?.[1]);
    expect(stoppedAfter).toBeGreaterThanOrEqual(3000);
  }, 20_000);

  it('fails when the backend exits before it is ready (a failed migration)', async () => {
    const { code, output } = await run(
      `console.error('MigrationLocked: Plugin docuchat failed'); process.exit(3);`,
      await freePort(),
    );
    expect(code).toBe(3);
    expect(output).toContain('the backend exited (3) before it was ready');
  }, 20_000);
});
