import {
  LifecycleService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { UsageMeter } from './usage/UsageMeter';
import { IngestionService } from './sources/IngestionService';
import { DocuchatOptions } from './readOptions';
import { RunningWork } from './lifecycle/RunningWork';

/**
 * The replica's share of the background work, on Backstage's scheduler and
 * lifecycle:
 * - every replica polls for ingestion work (queued by another replica, or
 *   abandoned by one that died: its lease expired);
 * - one replica at a time (`scope: 'global'`) sweeps the usage ledger for
 *   rows a dead replica left pending, and settles them as estimated;
 * - at shutdown, new work is refused, running work gets the grace period,
 *   and what is left is cut or released to the other replicas.
 */
export async function scheduleBackgroundWork(options: {
  scheduler: SchedulerService;
  lifecycle: LifecycleService;
  logger: LoggerService;
  running: RunningWork;
  ingestion: IngestionService;
  meter: UsageMeter;
  settings: DocuchatOptions['work'];
}): Promise<void> {
  const { scheduler, lifecycle, logger, running, ingestion, meter, settings } =
    options;

  await scheduler.scheduleTask({
    id: 'docuchat-ingestion-poll',
    scope: 'local',
    frequency: { milliseconds: settings.ingestion.pollMs },
    timeout: { minutes: 1 },
    initialDelay: { milliseconds: settings.ingestion.pollMs },
    fn: async () => ingestion.wake(),
  });

  await scheduler.scheduleTask({
    id: 'docuchat-usage-sweep',
    scope: 'global',
    frequency: { milliseconds: settings.usageSweepMs },
    timeout: { minutes: 5 },
    fn: async () => {
      await meter.settleAbandoned(
        new Date(Date.now() - settings.abandonedCallMs),
      );
    },
  });

  lifecycle.addShutdownHook(async () => {
    const busy = running.size;
    const { finished, aborted } = await running.drain(settings.shutdownGraceMs);
    if (busy > 0) {
      logger.info(
        `Shutdown: ${finished} running tasks finished, ${aborted} cut or released after ${settings.shutdownGraceMs} ms`,
      );
    }
  });
}
