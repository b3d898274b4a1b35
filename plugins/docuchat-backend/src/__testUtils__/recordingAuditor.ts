import {
  AuditorServiceCreateEventOptions,
  AuditorServiceEvent,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';

/** An audit event as the auditor service received it, and its outcome. */
export interface RecordedEvent {
  eventId: string;
  severityLevel?: string;
  meta?: unknown;
  fromRequest: boolean;
  outcome?: 'success' | 'fail';
  outcomeMeta?: unknown;
  error?: string;
}

/**
 * Backstage's mock auditor, recording every event and how it ended into
 * `events`; add `factory` to a test backend's features.
 */
export function recordingAuditor(events: RecordedEvent[]) {
  return mockServices.auditor.mock({
    async createEvent(options: AuditorServiceCreateEventOptions) {
      const event: RecordedEvent = {
        eventId: options.eventId,
        severityLevel: options.severityLevel,
        meta: options.meta,
        fromRequest: Boolean(options.request),
      };
      events.push(event);
      const done: AuditorServiceEvent = {
        async success(result) {
          event.outcome = 'success';
          event.outcomeMeta = result?.meta;
        },
        async fail(result) {
          event.outcome = 'fail';
          event.outcomeMeta = result.meta;
          event.error = result.error.message;
        },
      };
      return done;
    },
  });
}
