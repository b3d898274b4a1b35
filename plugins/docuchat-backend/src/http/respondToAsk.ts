import { AskEvent } from '@docuchat/backstage-plugin-docuchat-common';
import express from 'express';
import { AskInput, AskService } from '../ask/AskService';

/**
 * Sends an answer as server-sent events (the default) or, with
 * `stream: false`, as one JSON body. Errors before the first event are
 * ordinary HTTP errors (400, 404, 409); after it, an `error` event ends the
 * stream. A client that goes away aborts retrieval and the model request.
 */
export async function respondToAsk(
  ask: AskService,
  input: Omit<AskInput, 'signal' | 'onEvent'>,
  res: express.Response,
): Promise<void> {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  const { signal } = controller;

  if (input.request.stream === false) {
    try {
      res.json(await ask.ask({ ...input, signal }));
    } catch (error) {
      if (!signal.aborted) throw error;
    }
    return;
  }

  let started = false;
  const send = (event: AskEvent) => {
    if (res.writableEnded || res.destroyed) return;
    if (!started) {
      started = true;
      res.status(200);
      res.set({
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache, no-transform',
        Connection: 'keep-alive',
        // Proxies such as nginx buffer responses unless told not to.
        'X-Accel-Buffering': 'no',
      });
      res.flushHeaders();
    }
    res.write(`event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`);
  };

  try {
    await ask.ask({ ...input, signal, onEvent: send });
  } catch (error) {
    if (signal.aborted) return;
    if (!started) throw error;
    const { name, message } = error as Error;
    send({ event: 'error', data: { name, message } });
  } finally {
    if (started && !res.writableEnded) res.end();
  }
}
