import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  search?: {
    collators?: {
      /** The DocuChat collator: tenant documents in the portal's search. */
      docuchat?: {
        /**
         * When the index is rebuilt. Default: every 10 minutes, 15 minutes
         * at most, 30 seconds after start-up.
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /** Passages read per request from DocuChat. Default 500. */
        pageSize?: number;
      };
    };
  };
}
