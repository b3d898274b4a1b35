import { Knex } from 'knex';
import { AskRecord, SoakRecord, UploadRecord } from '../record';
import { sleep } from '../servers/run';
import { ZibalTestServer } from '../testServers';
import { Api } from './api';
import { ask } from './asker';
import { billFromTwoReplicas, Payer, seedUsage } from './billingLoad';
import { badFile, goodFile, TOPICS } from './documents';
import { documentTagFor, requestIdFor } from './tags';

export interface LoadOptions {
  api: Api;
  db: Knex;
  zibal: ZibalTestServer;
  tenants: string[];
  random: () => number;
  record: SoakRecord;
  askers: number;
  uploaders: number;
  readers: number;
  /** Share of asks the client hangs up on mid-stream. */
  cancelRate: number;
  /** Seeded past days, oldest first; billed one after the other. */
  billingDays: string[];
  billingEveryMs: number;
  /** Replicas ready now (for runs and callbacks sent to two at once). */
  replicaUrls: () => string[];
  log: (line: string) => void;
}

const salt = (random: () => number) =>
  Math.floor(random() * 36 ** 4)
    .toString(36)
    .padStart(4, '0');

/**
 * The load: askers, uploaders and readers in loops, billing of the seeded
 * days one after another (from two replicas at once, with late usage
 * seeded for days already billed), and the payer. Runs until `stop()`;
 * `done` settles when every loop finished its last piece of work.
 */
export function startLoad(options: LoadOptions) {
  const { api, random, record, tenants } = options;
  let stopping = false;
  let seq = 0;
  const pickTenant = () => Math.floor(random() * tenants.length);

  const loop = async (work: () => Promise<void>, pauseMs: () => number) => {
    while (!stopping) {
      await work().catch(error => options.log(`load: ${error}`));
      await sleep(pauseMs());
    }
  };

  const askOnce = async () => {
    const t = pickTenant();
    const requestId = requestIdFor(t, ++seq, salt(random));
    const topic = TOPICS[Math.floor(random() * TOPICS.length)];
    const result: AskRecord = await ask(api, {
      tenant: tenants[t],
      requestId,
      question: `How often are the ${topic} checked by the operator on duty? (ref ${requestId})`,
      cancelAfterTokens:
        random() < options.cancelRate
          ? 1 + Math.floor(random() * 3)
          : undefined,
    });
    record.asks.push(result);
  };

  const uploadOnce = async () => {
    const t = pickTenant();
    const tag = documentTagFor(t, ++seq, salt(random));
    const file =
      random() < 0.2
        ? badFile(tag, random)
        : await goodFile(tag, random, random() < 0.07);
    const upload: UploadRecord = {
      tag,
      tenant: tenants[t],
      format: file.format,
      bad: file.bad,
      status: 0,
      attempts: 0,
      at: Date.now(),
    };
    record.uploads.push(upload);
    const form = new FormData();
    form.append('title', tag);
    form.append(
      'file',
      new Blob([file.content], { type: file.contentType }),
      file.fileName,
    );
    const { status, body, attempts } = await api.idempotent(
      file.bad ? 'upload (bad file)' : 'upload',
      `/api/docuchat/tenants/${tenants[t]}/documents`,
      { method: 'POST', body: form },
    );
    upload.status = status;
    upload.attempts = attempts;
    upload.documentId = typeof body?.id === 'string' ? body.id : undefined;
  };

  const READS = [
    (t: string) => `/api/docuchat/tenants/${t}/usage`,
    (t: string) => `/api/docuchat/tenants/${t}/invoices`,
    (t: string) => `/api/docuchat/tenants/${t}/documents`,
    () => '/api/docuchat/invoices',
    () => '/api/docuchat/billing/runs',
    () => '/api/docuchat/usage',
  ];
  const readOnce = async () => {
    const read = READS[Math.floor(random() * READS.length)];
    const path = read(tenants[pickTenant()]);
    await api.idempotent(`read ${path.replace(/soak-\d+/, ':tenant')}`, path);
  };

  const billing = async () => {
    for (const [i, day] of options.billingDays.entries()) {
      if (stopping) return;
      const replicas = options.replicaUrls();
      const answers = await billFromTwoReplicas(api, replicas, { day });
      options.log(
        `billing ${day} from ${replicas.slice(0, 2).join(' and ')}: ${answers
          .map(a => `${a.status} ${a.body?.outcome ?? ''}`.trim())
          .join(', ')}`,
      );
      // Late usage of a day already billed: the next day's run adjusts it.
      if (i > 0 && i < options.billingDays.length - 1) {
        await seedUsage(options.db, {
          days: [options.billingDays[Math.floor(random() * i)]],
          tenants: tenants.filter(() => random() < 0.3),
          timeZone: record.timeZone,
          random,
          batch: `late${i}`,
        });
      }
      await sleep(options.billingEveryMs);
    }
  };

  const payer = new Payer(api, options.zibal, record.paymentActions, random);
  const loops = [
    ...Array.from({ length: options.askers }, () =>
      loop(askOnce, () => 200 + random() * 1300),
    ),
    ...Array.from({ length: options.uploaders }, () =>
      loop(uploadOnce, () => 1500 + random() * 2500),
    ),
    ...Array.from({ length: options.readers }, () =>
      loop(readOnce, () => 500 + random() * 1000),
    ),
    billing(),
    loop(
      () => payer.round(options.replicaUrls()),
      () => 2000,
    ),
  ];
  return {
    stop() {
      stopping = true;
    },
    done: Promise.all(loops).then(() => undefined),
  };
}
