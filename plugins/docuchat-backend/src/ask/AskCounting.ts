import { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import { AskEvent } from '@docuchat/backstage-plugin-docuchat-common';
import { DocuchatMetrics, RagQueryOutcome } from '../metrics/DocuchatMetrics';

/** Counters the metrics registry keeps about questions and model calls. */
export type AskCounters = Pick<
  DocuchatMetrics,
  'countRagQuery' | 'countModelRequest' | 'observeFirstToken'
>;

/**
 * What a question counts: its outcome, each model call, the wait until its
 * first token. A counter that throws is logged and never fails the answer.
 */
export class AskCounting {
  readonly #counters?: AskCounters;
  readonly #logger: LoggerService;

  constructor(counters: AskCounters | undefined, logger: LoggerService) {
    this.#counters = counters;
    this.#logger = logger;
  }

  /** `onEvent`, observing the wait until the first token goes out. */
  timingFirstToken(onEvent: (event: AskEvent) => void) {
    const started = process.hrtime.bigint();
    let waiting = true;
    return (event: AskEvent) => {
      if (waiting && event.event === 'token') {
        waiting = false;
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        this.#guarded('time a first token', counters =>
          counters.observeFirstToken(seconds),
        );
      }
      onEvent(event);
    };
  }

  model(model: string, outcome: 'success' | 'error' | 'fallback') {
    this.#guarded('count a model request', counters =>
      counters.countModelRequest(model, 'chat', outcome),
    );
  }

  question(tenantId: string, outcome: RagQueryOutcome) {
    this.#guarded('count a question', counters =>
      counters.countRagQuery(tenantId, outcome),
    );
  }

  #guarded(what: string, count: (counters: AskCounters) => void) {
    if (!this.#counters) return;
    try {
      count(this.#counters);
    } catch (error) {
      this.#logger.error(`Could not ${what}`, toError(error));
    }
  }
}
