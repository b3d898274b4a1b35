// The migration Job's entry point (see the chart README, "Migrations").
// Backstage has no "migrate only" command: every plugin migrates its own
// database while the backend starts. So this starts the backend once, waits
// until it reports ready (every plugin started, every migration done), then
// stops it and exits 0. A backend that exits first fails the Job.
import { spawn } from 'node:child_process';

const port = Number(process.env.DOCUCHAT_PORT ?? 7007);
const readinessUrl = `http://127.0.0.1:${port}/.backstage/health/v1/readiness`;
const backend = spawn(process.argv[2], process.argv.slice(3), {
  stdio: 'inherit',
});

let ready = false;
backend.on('exit', code => {
  if (ready) process.exit(0);
  console.error(`migrate: the backend exited (${code}) before it was ready`);
  process.exit(code || 1);
});

for (;;) {
  await new Promise(resolve => setTimeout(resolve, 2000));
  try {
    const response = await fetch(readinessUrl);
    if (response.ok) break;
  } catch {
    // Not listening yet.
  }
}
ready = true;
console.log('migrate: every plugin has started and migrated; stopping');
backend.kill('SIGTERM');
// Migrations are done: a backend slow to shut down must not fail the Job.
setTimeout(() => {
  console.log('migrate: the backend did not stop within 60 s; leaving it');
  process.exit(0);
}, 60_000).unref();
