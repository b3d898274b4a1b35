import { parseArgs } from 'node:util';

export interface SoakOptions {
  minutes: number;
  seed: number;
  /** Share of OpenAI calls that get a fault. */
  faultRate: number;
  askers: number;
  tenants: number;
  postgresPort: number;
  redisPort: number;
  /** Replica slot 1 listens here, 2 and 3 on the next ports. */
  firstReplicaPort: number;
  logDir?: string;
  /** Run a real Prometheus with the repository's rules (default on). */
  prometheus: boolean;
}

export const USAGE = `yarn soak [options]

Three replicas of the backend (packages/backend) on the soak's own
PostgreSQL 17 + pgvector and Redis, behind a round-robin load balancer,
under load and a seeded schedule of faults; invariants checked at the end.
Needs root and the trixie root of scripts/test-servers.sh.

  --minutes N          load duration (default 10)
  --seed N             schedule, load and faults (default: random, printed)
  --fault-rate R       share of OpenAI calls that fail (default 0.1)
  --askers N           concurrent streaming askers, 10-20 (default 14)
  --tenants N          (default 10)
  --postgres-port N    the soak's PostgreSQL (default 55417)
  --redis-port N       the soak's Redis (default 56479)
  --replica-port N     first replica's port, then +1, +2 (default 57101)
  --log-dir DIR        replicas' logs, configs and the run's record
                       (default /tmp/docuchat-soak-<seed>)
  --no-prometheus      skip the real Prometheus and the alert timeline
`;

export function parseOptions(argv: string[]): SoakOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      minutes: { type: 'string' },
      seed: { type: 'string' },
      'fault-rate': { type: 'string' },
      askers: { type: 'string' },
      tenants: { type: 'string' },
      'postgres-port': { type: 'string' },
      'redis-port': { type: 'string' },
      'replica-port': { type: 'string' },
      'log-dir': { type: 'string' },
      'no-prometheus': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const number = (
    name: string,
    value: string | undefined,
    fallback: number,
    min: number,
    max: number,
  ) => {
    const n = value === undefined ? fallback : Number(value);
    if (!Number.isFinite(n) || n < min || n > max) {
      throw new Error(
        `--${name} must be a number from ${min} to ${max}, got ${value}`,
      );
    }
    return n;
  };
  return {
    minutes: number('minutes', values.minutes, 10, 0.5, 240),
    seed: Math.floor(
      number('seed', values.seed, Math.floor(Math.random() * 1e6), 0, 2 ** 31),
    ),
    faultRate: number('fault-rate', values['fault-rate'], 0.1, 0, 1),
    askers: Math.floor(number('askers', values.askers, 14, 1, 50)),
    tenants: Math.floor(number('tenants', values.tenants, 10, 1, 99)),
    postgresPort: number(
      'postgres-port',
      values['postgres-port'],
      55417,
      1024,
      65535,
    ),
    redisPort: number('redis-port', values['redis-port'], 56479, 1024, 65535),
    firstReplicaPort: number(
      'replica-port',
      values['replica-port'],
      57101,
      1024,
      65533,
    ),
    logDir: values['log-dir'],
    prometheus: !values['no-prometheus'],
  };
}
