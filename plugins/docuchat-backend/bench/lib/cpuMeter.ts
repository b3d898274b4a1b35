import { Knex } from 'knex';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** CPU time spent between `start` and the reading, in ms. */
export interface CpuSpent {
  /** This process, every thread (user + system). */
  processMs: number;
  /**
   * The PostgreSQL server processes of this database's connections (user +
   * system, from /proc); 0 on SQLite, where the database runs in process.
   */
  databaseMs: number;
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  ticksPerSecond ??=
    Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  return ticksPerSecond;
}

/** utime + stime of a process in ms; undefined once it is gone. */
function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may hold spaces: state is 3rd.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / clockTicks();
  } catch {
    return undefined;
  }
}

/**
 * CPU time of the backend (this process) and of the database processes
 * serving it: far steadier than wall time on a machine whose cores other
 * work shares. The database's share is read from /proc for the server
 * processes of this database (`pg_stat_activity`), so other databases on
 * the same server do not count; the pool should keep its connections for
 * the whole measurement (a connection closed in between takes its CPU with
 * it). Clock-tick resolution (10 ms per process): measure many requests.
 */
export class CpuMeter {
  readonly #knex: Knex;
  readonly #postgres: boolean;

  constructor(knex: Knex) {
    this.#knex = knex;
    this.#postgres = knex.client.config.client === 'pg';
  }

  async #databasePids(): Promise<number[]> {
    if (!this.#postgres) return [];
    const { rows } = await this.#knex.raw(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`,
    );
    return rows.map((row: { pid: number }) => row.pid);
  }

  /** Starts a measurement; the returned function reads what it cost. */
  async start(): Promise<() => Promise<CpuSpent>> {
    const before = new Map<number, number>();
    for (const pid of await this.#databasePids()) {
      const ms = processCpuMs(pid);
      if (ms !== undefined) before.set(pid, ms);
    }
    const processBefore = process.cpuUsage();
    return async () => {
      const spent = process.cpuUsage(processBefore);
      let databaseMs = 0;
      for (const pid of await this.#databasePids()) {
        const ms = processCpuMs(pid);
        if (ms !== undefined) databaseMs += ms - (before.get(pid) ?? 0);
      }
      return { processMs: (spent.user + spent.system) / 1000, databaseMs };
    };
  }
}
