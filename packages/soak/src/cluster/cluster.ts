import { ProcessRecord } from '../record';
import { Replica } from './replica';
import { scrapeTokens } from './tokenScraper';

const SCRAPE_EVERY_MS = 2_000;

/**
 * The three replicas and what is done to them: started (the first alone:
 * two Backstage backends starting together on a fresh database race in the
 * scheduler's migrations), scraped, killed, restarted.
 */
export class Cluster {
  readonly replicas: Replica[];
  #scraping?: NodeJS.Timeout;

  constructor(
    replicas: Replica[],
    private readonly metricsToken: string,
    private readonly log: (line: string) => void,
  ) {
    this.replicas = replicas;
  }

  async start() {
    const [first, ...others] = this.replicas;
    await this.#startOne(first);
    await Promise.all(others.map(replica => this.#startOne(replica)));
    this.#scraping = setInterval(() => void this.scrapeAll(), SCRAPE_EVERY_MS);
  }

  async #startOne(replica: Replica) {
    const started = Date.now();
    const record = await replica.start();
    this.log(
      `${record.instance} ready on :${replica.port} (pid ${record.pid}) in ${(
        (Date.now() - started) /
        1000
      ).toFixed(1)} s`,
    );
    return record;
  }

  async scrapeAll() {
    await Promise.all(
      this.replicas.map(replica => {
        const record = replica.current;
        return record?.readyAt
          ? scrapeTokens(replica.url, record, this.metricsToken)
          : false;
      }),
    );
  }

  /** SIGKILL, as when a node dies: nothing runs after the signal. */
  async kill(replica: Replica): Promise<ProcessRecord | undefined> {
    const record = replica.current;
    if (!record) return undefined;
    await scrapeTokens(replica.url, record, this.metricsToken);
    await replica.stop('SIGKILL');
    return record;
  }

  /**
   * SIGTERM, as a rolling update sends: the replica drains (answers finish
   * or are cut, claims are released) and exits. What the drain counts is
   * not seen: a draining backend answers every request, the scrape
   * included, with 503.
   */
  async terminate(replica: Replica): Promise<ProcessRecord | undefined> {
    const record = replica.current;
    if (!record) return undefined;
    await scrapeTokens(replica.url, record, this.metricsToken);
    await replica.stop('SIGTERM');
    return record;
  }

  async restart(replica: Replica) {
    return this.#startOne(replica);
  }

  /** After the load: one last scrape of every process, then SIGTERM. */
  async stop() {
    clearInterval(this.#scraping);
    await this.scrapeAll();
    await Promise.all(
      this.replicas.map(replica => replica.stop('SIGTERM', 'end')),
    );
  }
}
