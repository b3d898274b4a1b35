import { LoggerService } from '@backstage/backend-plugin-api';

/**
 * A LoggerService on stderr: warnings and errors always, info and debug
 * only when verbose (ingestion logs a line per document).
 */
export function consoleLogger(verbose: boolean): LoggerService {
  const write =
    (level: string, always: boolean) => (message: string, meta?: unknown) => {
      if (!always && !verbose) return;
      let details = '';
      if (meta instanceof Error) details = ` ${meta.message}`;
      else if (meta) details = ` ${JSON.stringify(meta)}`;
      process.stderr.write(`${level} ${message}${details}\n`);
    };
  const logger: LoggerService = {
    error: write('error', true),
    warn: write('warn', true),
    info: write('info', false),
    debug: write('debug', false),
    child: () => logger,
  };
  return logger;
}
