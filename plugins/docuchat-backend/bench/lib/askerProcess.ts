/**
 * The bench:ask client side, in a child process: the OpenAI test server
 * (the model, answering at once) and the askers. Running them in another
 * process keeps the plugin's event loop for the plugin's own work, as in a
 * deployment where browsers and the model provider are other machines, and
 * keeps their CPU out of the backend's `process.cpuUsage()`; they still
 * share the machine's cores.
 */
import { performance } from 'node:perf_hooks';
import {
  chatCompletionsRoute,
  OpenAiTestServer,
  startOpenAiTestServer,
} from '@internal/docuchat-test-utils';
import { askConcurrently } from './askClient';
import type { AskRequest, AskerMessage, ModelTiming } from './askers';

const CHAT = 'POST /v1/chat/completions';

/**
 * Wraps the test server's normal chat answer to note when each request
 * arrived and when the first content delta was written, so the bench can
 * take the model's own time out of its figures.
 */
function timeChatRoute(
  openAi: OpenAiTestServer,
  timings: Map<string, ModelTiming>,
) {
  const answer = chatCompletionsRoute();
  openAi.route(CHAT, async ctx => {
    const timing: ModelTiming = { receivedAt: performance.now() };
    const question = ctx.request.body?.messages?.at(-1)?.content;
    if (typeof question === 'string') timings.set(question, timing);
    const write = ctx.res.write.bind(ctx.res) as (...args: any[]) => boolean;
    ctx.res.write = ((chunk: unknown, ...rest: any[]) => {
      // The role chunk comes first with empty content; the answer starts
      // with the first non-empty content delta.
      if (
        timing.firstDeltaAt === undefined &&
        typeof chunk === 'string' &&
        /"delta":\{"content":"[^"]/.test(chunk)
      ) {
        timing.firstDeltaAt = performance.now();
      }
      return write(chunk, ...rest);
    }) as typeof ctx.res.write;
    await answer(ctx);
  });
}

function send(message: AskerMessage) {
  process.send!(message);
}

async function main() {
  const openAi = await startOpenAiTestServer();
  const timings = new Map<string, ModelTiming>();
  timeChatRoute(openAi, timings);

  // The process ends when the bench kills it or goes away (IPC closes).
  process.on('disconnect', () => process.exit(0));
  process.on('message', async (request: AskRequest) => {
    timings.clear();
    const run = await askConcurrently(request.target, request.questions, {
      concurrency: request.concurrency,
      stream: request.stream,
    });
    const reply: AskerMessage = {
      kind: 'answered',
      ...run,
      modelTimings: [...timings],
    };
    send(reply);
  });
  send({ kind: 'ready', baseURL: openAi.baseURL });
}

main().catch(error => {
  process.stderr.write(`bench:ask asker process: ${error.stack ?? error}\n`);
  process.exit(1);
});
