import { performance } from 'node:perf_hooks';

/** What one question cost, seen from the client, in ms from sending it. */
export interface AskSample {
  question: string;
  /** First `token` event (streaming); the whole body (JSON mode). */
  firstTokenMs?: number;
  doneMs?: number;
  /** Why it does not count as a good answer; unset when it does. */
  error?: string;
}

export interface AskTarget {
  askUrl: string;
  authorization: string;
}

/** Splits an event-stream body into events as its bytes arrive. */
class SseParser {
  #buffer = '';
  readonly #decoder = new TextDecoder();

  /** The events completed by this piece of the body. */
  push(bytes: Uint8Array): Array<{ event: string; data: string }> {
    this.#buffer += this.#decoder.decode(bytes, { stream: true });
    const events: Array<{ event: string; data: string }> = [];
    for (let end = this.#buffer.indexOf('\n\n'); end >= 0; ) {
      const block = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      let event = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      events.push({ event, data });
      end = this.#buffer.indexOf('\n\n');
    }
    return events;
  }
}

/**
 * Asks one question over HTTP, reading the answer as it streams (or as one
 * JSON body with `stream: false`), and notes when the first token and the
 * end arrived. Anything but a complete answer from the configured model
 * (HTTP error, `error` event, no `done`, a fallback, no sources) is an
 * error: the figures are only about answers that went the whole way.
 */
export async function askOnce(
  target: AskTarget,
  question: string,
  stream: boolean,
): Promise<AskSample> {
  const sample: AskSample = { question };
  const started = performance.now();
  const since = () => performance.now() - started;
  try {
    const res = await fetch(target.askUrl, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: target.authorization,
      },
      body: JSON.stringify({ question, stream }),
    });
    if (res.status !== 200) {
      sample.error = `HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`;
      return sample;
    }
    if (!stream) {
      const body = await res.json();
      sample.doneMs = since();
      sample.firstTokenMs = sample.doneMs;
      sample.error = badAnswer(body);
      return sample;
    }
    const parser = new SseParser();
    for await (const bytes of res.body as AsyncIterable<Uint8Array>) {
      for (const { event, data } of parser.push(bytes)) {
        if (event === 'token' && sample.firstTokenMs === undefined) {
          sample.firstTokenMs = since();
        } else if (event === 'error') {
          sample.error = `error event: ${data.slice(0, 200)}`;
        } else if (event === 'done') {
          sample.doneMs = since();
          sample.error ??= badAnswer(JSON.parse(data));
        }
      }
    }
    if (sample.doneMs === undefined)
      sample.error ??= 'stream ended without done';
    if (sample.firstTokenMs === undefined) sample.error ??= 'no token event';
  } catch (error) {
    sample.error = `request failed: ${(error as Error).message}`;
  }
  return sample;
}

function badAnswer(body: any): string | undefined {
  if (body?.fallbacks?.length) {
    return `fell back: ${JSON.stringify(body.fallbacks)}`;
  }
  if (!body?.citations?.length) return 'no sources found (model not asked)';
  if (typeof body.answer !== 'string' || body.answer === '') {
    return 'empty answer';
  }
  return undefined;
}

/**
 * Asks every question with `concurrency` askers, each sending its next
 * question as soon as its last answer is complete.
 */
export async function askConcurrently(
  target: AskTarget,
  questions: string[],
  options: { concurrency: number; stream: boolean },
): Promise<{ samples: AskSample[]; wallMs: number }> {
  const samples: AskSample[] = [];
  let next = 0;
  const started = performance.now();
  const asker = async () => {
    while (next < questions.length) {
      const question = questions[next++];
      samples.push(await askOnce(target, question, options.stream));
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, asker));
  return { samples, wallMs: performance.now() - started };
}
