import { chunkDocument } from '../ingest/chunkDocument';
import { markdownToDocument } from '../ingest/parseMarkdown';
import { countTokens } from '../ingest/tokens';
import { LocalEmbeddingProvider } from '../embeddings/LocalEmbeddingProvider';
import { mockServices } from '@backstage/backend-test-utils';
import { localSemanticSimilarity } from './semanticOverlap';
import {
  ExtractiveAnswerer,
  NumberedSource,
  parseNumberedSources,
} from './ExtractiveAnswerer';

async function deltasOf(stream: AsyncIterable<string>) {
  const deltas: string[] = [];
  for await (const delta of stream) deltas.push(delta);
  return deltas;
}

async function read(stream: AsyncIterable<string>) {
  return (await deltasOf(stream)).join('');
}

/** Markdown → the numbered sources the ask path gives the answerer. */
function sourcesFrom(title: string, markdown: string, first = 1) {
  return chunkDocument(markdownToDocument(markdown)).map(
    (chunk, i): NumberedSource => ({
      n: first + i,
      documentTitle: title,
      headingPath: chunk.headingPath,
      text: chunk.text,
      blocks: chunk.blocks,
    }),
  );
}

const SET_UP = sourcesFrom(
  'README.md',
  [
    '# Set up',
    '',
    'Run the portal on its embedded defaults (SQLite in memory, guest sign-in,',
    'no OpenAI key), the app on port 3000:',
    '',
    '```bash',
    './scripts/start.sh',
    '```',
    '',
    'Run all the tests (starts the PostgreSQL test servers; the last line',
    'totals every test runner):',
    '',
    '```bash',
    './scripts/test-all.sh',
    '```',
    '',
    '| key | default |',
    '| --- | ------- |',
    '| tests | all |',
  ].join('\n'),
);

const BILLING = sourcesFrom(
  'billing.md',
  [
    '# Billing',
    '',
    'DocuChat bills per token. Invoices are created every day by the',
    'billing scheduler, e.g. at midnight.',
    '',
    '## Payment',
    '',
    'Tenants pay invoices through the Zibal gateway. The weather is nice',
    'today.',
    '',
    '- Unpaid invoices are reminded by email after three days.',
    '- Paid invoices are kept for ten years.',
  ].join('\n'),
);

/** Every cited piece of an answer: a delta that ends with `[n]`. */
function citedPieces(deltas: string[]) {
  return deltas.flatMap(delta => {
    const marker = delta.match(/\[(\d+)\][.!?؟:]*\s*$/u);
    if (!marker) return [];
    return [
      {
        n: Number(marker[1]),
        piece: delta
          .replace(/\s*\[\d+\]/, '')
          .replace(/^\s*-\s+/, '')
          .trim(),
      },
    ];
  });
}

describe('ExtractiveAnswerer', () => {
  const answerer = new ExtractiveAnswerer();

  it('quotes whole sentences of the sources, never a wrapped line, and counts its usage', async () => {
    const question = 'How do tenants pay their invoices?';
    const stream = answerer.answer(question, BILLING);
    const deltas = await deltasOf(stream);
    const text = deltas.join('');

    expect(text).toContain(
      'Tenants pay invoices through the Zibal gateway [2].',
    );
    expect(text).not.toMatch(/weather|Billing \[|Payment \[/);
    // Each cited piece is a whole sentence or list item of its source.
    for (const { n, piece } of citedPieces(deltas)) {
      const source = BILLING.find(s => s.n === n)!;
      const sentences = source.text
        .split(/(?<=[.!?])\s+|\n+/)
        .map(s => s.replace(/^-\s+/, ''));
      expect(sentences).toContain(piece);
    }
    expect(await stream.usage()).toEqual({
      promptTokens:
        countTokens(question) +
        BILLING.reduce((sum, s) => sum + countTokens(s.text), 0),
      completionTokens: countTokens(text),
      estimated: false,
    });
    expect(answerer.id).toBe('local:extractive');
  });

  it('keeps a sentence with an abbreviation whole and quotes list items whole', async () => {
    const text = await read(
      answerer.answer(
        'When are invoices created and how long are they kept?',
        BILLING,
      ),
    );
    expect(text).toContain(
      'Invoices are created every day by the billing scheduler, e.g. at midnight [1].',
    );
    expect(text).toContain('\n- Paid invoices are kept for ten years [2].');
  });

  it('quotes a command verbatim, with what introduces it, when asked for one', async () => {
    const text = await read(answerer.answer('How do I run the tests?', SET_UP));
    expect(text).toBe(
      'From the documents: Run all the tests (starts the PostgreSQL test servers; the last line totals every test runner) [1]:' +
        '\n```\n./scripts/test-all.sh\n```\n',
    );
  });

  it('quotes no code, heading or table row when no command is asked for', async () => {
    const text = await read(
      answerer.answer('What are the embedded defaults of the portal?', SET_UP),
    );
    expect(text).toContain('Run the portal on its embedded defaults');
    expect(text).not.toMatch(/```|scripts\/|key \| default|tests \| all/);
    expect(text).not.toMatch(/Set up \[/);
  });

  it('says the documents do not answer, and lists the closest passages, when nothing relevant was found', async () => {
    const deltas = await deltasOf(
      answerer.answer('What is the capital of France?', BILLING),
    );
    const text = deltas.join('');
    expect(text).toMatch(/^The documents do not answer this question\./);
    expect(text).toContain('\n[1] billing.md › Billing');
    expect(text).toContain('\n[2] billing.md › Billing › Payment');
    expect(citedPieces(deltas)).toEqual([]);
    expect(await read(answerer.answer('Anything?', []))).toBe(
      'The documents do not answer this question. Try other words, or check that the right documents are uploaded.',
    );
  });

  it('answers Persian questions from Persian sources, in Persian', async () => {
    const persian = sourcesFrom(
      'راهنما.md',
      [
        '# صورتحساب',
        '',
        'صورتحساب‌ها هر روز ساخته می‌شوند. هوا امروز آفتابی است.',
        '',
        'پرداخت صورتحساب از درگاه زیبال انجام می‌شود؛ سریع است!',
        '',
        '- صورتحساب‌های پرداخت‌نشده پس از سه روز یادآوری می‌شوند.',
      ].join('\n'),
      4,
    );
    const text = await read(
      answerer.answer('پرداخت صورتحساب چگونه است؟', persian),
    );
    expect(text.startsWith('بر اساس اسناد:')).toBe(true);
    expect(text).toContain(
      'پرداخت صورتحساب از درگاه زیبال انجام می‌شود؛ سریع است [4]!',
    );
    expect(text).not.toContain('هوا');

    // Quotes in the question's language when the passages have some.
    const mixed = [
      ...persian,
      ...sourcesFrom(
        'billing.md',
        '# Zibal\n\nZibal صورتحساب payments are verified.',
        9,
      ),
    ];
    const english = await read(
      answerer.answer('How is a Zibal صورتحساب paid?', mixed),
    );
    expect(english).toContain('Zibal صورتحساب payments are verified [9].');
    expect(english).not.toContain('درگاه');

    const nothing = await read(answerer.answer('کوبرنتیز چیست؟', persian));
    expect(nothing).toMatch(/^اسناد به این پرسش پاسخ نمی‌دهند\./);
    expect(nothing).toContain('\n[4] راهنما.md › صورتحساب');
  });

  it('cites each piece with the number of the source it comes from', async () => {
    const sources = [
      ...SET_UP,
      ...sourcesFrom(
        'billing.md',
        '# Billing\n\nDocuChat bills per token; tests of billing run nightly.',
        7,
      ),
    ];
    const deltas = await deltasOf(
      answerer.answer('How are the tests run and billed?', sources),
    );
    const pieces = citedPieces(deltas);
    expect(pieces.length).toBeGreaterThan(0);
    for (const { n, piece } of pieces) {
      const source = sources.find(s => s.n === n);
      expect(source?.text.replace(/\s+/g, ' ')).toContain(
        piece.replace(/[.:]$/, ''),
      );
    }
    expect(pieces.map(p => p.n)).toContain(7);
  });

  it('keeps within the word budget and quotes a repeated sentence once', async () => {
    const repeated = [
      { n: 1, text: 'Billing runs daily. Billing sends email to the owner.' },
      { n: 2, text: 'Billing runs daily. Billing uses Zibal for payments.' },
    ];
    const text = await read(
      new ExtractiveAnswerer({ maxWords: 10 }).answer('billing', repeated),
    );
    expect(text.match(/Billing runs daily/g)).toHaveLength(1);
    expect(text.split(/\s+/).length).toBeLessThanOrEqual(10 + 5);
  });

  it('works as a ChatModel from a prompt with numbered sources', async () => {
    const stream = await answerer.stream({
      messages: [
        {
          role: 'system',
          content: `Answer from these sources:\n\n[1] billing.md › Billing\n${BILLING[0].text}\n\n[2] billing.md › Billing › Payment\n${BILLING[1].text}`,
        },
        { role: 'user', content: 'How do tenants pay invoices?' },
      ],
    });
    const text = await read(stream);
    expect(text).toContain('Zibal gateway [2].');
    expect(text).not.toMatch(/Payment \[2\]/);
  });

  it('parses the [n] title › heading line and the text below it', () => {
    expect(
      parseNumberedSources(
        'intro\n[1] a.md › Setup\nfirst\nmore\n\n[12] b.md\nsecond',
      ),
    ).toEqual([
      {
        n: 1,
        documentTitle: 'a.md',
        headingPath: ['Setup'],
        text: 'first\nmore',
      },
      { n: 12, documentTitle: 'b.md', headingPath: [], text: 'second' },
    ]);
  });
});

describe('ExtractiveAnswerer keeps to the topic', () => {
  const answerer = new ExtractiveAnswerer();

  it('drops a unit that shares a word with the question but not its topic', async () => {
    const sources = sourcesFrom(
      'ops.md',
      [
        '# Backups',
        '',
        'Nightly backups of the database are kept for thirty days.',
        'The database also stores the usage ledger of every tenant.',
        'Grafana shows the dashboards of the team.',
      ].join('\n'),
    );
    const text = await read(
      answerer.answer('How long are backups of the database kept?', sources),
    );
    expect(text).toContain('kept for thirty days [1].');
    expect(text).not.toMatch(/usage ledger|Grafana/);
  });

  it('never quotes a caption or an image description', async () => {
    const sources = sourcesFrom(
      'README.md',
      [
        '# Tests',
        '',
        '![The DocuChat page answering how to run the tests](page.png)',
        '',
        'Run all the tests with `./scripts/test-all.sh` from the root.',
      ].join('\n'),
    );
    const text = await read(
      answerer.answer('How do I run the tests?', sources),
    );
    expect(text).toContain('./scripts/test-all.sh');
    expect(text).not.toContain('DocuChat page answering');
  });

  it('quotes a list item with the sentence that leads into its list', async () => {
    const sources = sourcesFrom(
      'billing.md',
      [
        '# Billing',
        '',
        'A scheduled task bills every closed day. A run:',
        '',
        '1. expires invoices unpaid for thirty days;',
        '2. emails each issued invoice to the tenant.',
      ].join('\n'),
    );
    const deltas = await deltasOf(
      answerer.answer('When do unpaid invoices expire?', sources),
    );
    const text = deltas.join('');
    expect(text).toContain('A run [1]:\n- expires invoices unpaid');
    // The lead-in is its own quoted piece: a whole sentence of its source.
    expect(citedPieces(deltas).map(p => p.piece)).toEqual(
      // (a full stop is added where the item has none)
      expect.arrayContaining([
        'A run:',
        'expires invoices unpaid for thirty days;.',
      ]),
    );
  });

  it('leaves out a list item whose lead-in the passage does not hold', async () => {
    const item = 'expires invoices unpaid for thirty days;';
    const text = await read(
      answerer.answer('When do unpaid invoices expire?', [
        {
          n: 1,
          text: `1. ${item}`,
          blocks: [
            {
              kind: 'list-item',
              start: 0,
              end: item.length + 3,
              partial: false,
            },
          ],
        },
        {
          n: 2,
          text: 'Unpaid invoices expire after thirty days.',
        },
      ]),
    );
    expect(text).toContain('Unpaid invoices expire after thirty days [2].');
    expect(text).not.toContain('[1]');
  });

  it('answers in the language of the question, even from a passage full of identifiers', async () => {
    const sources: NumberedSource[] = [
      {
        n: 1,
        text: 'Start the test servers with scripts/test-servers.sh before the tests.',
      },
      {
        n: 2,
        text: 'سرورهای تست را با scripts/test-servers.sh پیش از تست‌ها راه بیندازید.',
      },
    ];
    const english = await read(
      answerer.answer('How do I start the test servers?', sources),
    );
    expect(english).toContain('[1]');
    expect(english).not.toMatch(/\p{Script=Arabic}/u);
    const persian = await read(
      answerer.answer('سرورهای تست را چطور راه بیندازم؟', sources),
    );
    expect(persian).toContain('[2]');
    expect(persian).not.toContain('Start the test servers');
  });

  it('answers a question whose words the passage rephrases, by meaning, instead of abstaining', async () => {
    const embeddings = new LocalEmbeddingProvider({
      logger: mockServices.logger.mock(),
    });
    const withMeaning = new ExtractiveAnswerer({
      similarity: localSemanticSimilarity(embeddings),
    });
    const sources = sourcesFrom(
      'backend.md',
      [
        '# Documents',
        '',
        'Uploads: Markdown, plain text, HTML, PDF and DOCX.',
        'Ingestion runs in the background.',
      ].join('\n'),
    );
    const question = 'Which file formats can I upload?';
    // By words alone, "upload" is too small a part of the question.
    expect(await read(answerer.answer(question, sources))).toMatch(
      /^The documents do not answer this question/,
    );
    const text = await read(withMeaning.answer(question, sources));
    expect(text).toContain('PDF and DOCX [1].');
    expect(text).not.toMatch(/do not answer/);
  }, 60_000);
});

describe("ExtractiveAnswerer weighs the question's words", () => {
  const answerer = new ExtractiveAnswerer();

  it("weighs words by the tenant's statistics: the product's name says little", async () => {
    const sources = sourcesFrom(
      'guide.md',
      [
        '# Guide',
        '',
        'DocuChat is a chat service for documents.',
        '',
        'Invoices are billed every day at midnight.',
      ].join('\n'),
    );
    const question = 'When does DocuChat bill?';
    // The passages alone: both words are as rare, both units as good.
    const alone = await read(answerer.answer(question, sources));
    expect(alone).toContain('chat service for documents');
    expect(alone).toContain('billed every day');

    const statistics = async (words: string[]) => ({
      chunkCount: 100,
      documentFrequency: new Map(
        words.map(word => [word, word === 'docuchat' ? 100 : 3]),
      ),
    });
    const weighed = await read(
      answerer.answer(question, sources, undefined, statistics),
    );
    expect(weighed).toContain('Invoices are billed every day at midnight [1].');
    expect(weighed).not.toContain('chat service');
  });

  it('answers from the passages alone when the statistics cannot be read', async () => {
    const text = await read(
      answerer.answer(
        'How do tenants pay invoices?',
        [{ n: 1, text: 'Tenants pay invoices through the Zibal gateway.' }],
        undefined,
        async () => {
          throw new Error('database down');
        },
      ),
    );
    expect(text).toContain('through the Zibal gateway [1].');
  });

  it('prefers a unit with a number when the question asks how long or how many', async () => {
    const sources = sourcesFrom(
      'billing.md',
      [
        '# Invoices',
        '',
        "Paid invoices are kept in the tenant's database.",
        '',
        'Paid invoices are kept for 10 years.',
      ].join('\n'),
    );
    const text = await read(
      answerer.answer('How long are paid invoices kept?', sources),
    );
    expect(text).toContain('Paid invoices are kept for 10 years [1].');
    expect(text).not.toContain('database');
  });

  it('quotes the sentence of a long list item that answers, and never its label alone', async () => {
    const sources = sourcesFrom(
      'retrieval.md',
      [
        '# Retrieval',
        '',
        '- Chunk: within one section, at most 400 tokens. Embeddings come later, in a worker.',
        '- Documents. Uploads are parsed first.',
      ].join('\n'),
    );
    const chunks = await deltasOf(
      answerer.answer('How large is a chunk?', sources),
    );
    expect(chunks.join('')).toContain(
      '\n- Chunk: within one section, at most 400 tokens [1].',
    );
    expect(chunks.join('')).not.toContain('Embeddings');

    const uploads = await deltasOf(
      answerer.answer('How are documents parsed?', sources),
    );
    expect(citedPieces(uploads).map(p => p.piece)).toEqual([
      'Uploads are parsed first.',
    ]);
  });

  it('matches two words of the question written as one ("times out", "timeout")', async () => {
    const sources = sourcesFrom(
      'models.md',
      [
        '# Models',
        '',
        'On a timeout the next model answers.',
        '',
        'Models are listed in the configuration.',
      ].join('\n'),
    );
    const text = await read(
      answerer.answer('What happens when the model times out?', sources),
    );
    expect(text).toContain('On a timeout the next model answers [1].');
    expect(text).not.toContain('configuration');
  });

  it('lets meaning rescue an English question, never a Persian one (the local model reads no Persian)', async () => {
    const similarity = jest.fn(async (_question: string, texts: string[]) =>
      texts.map(() => 0.99),
    );
    const withMeaning = new ExtractiveAnswerer({ similarity });
    const english = await read(
      withMeaning.answer(
        'How are invoices deployed with kubernetes and docker?',
        [{ n: 1, text: 'Invoices are created every day.' }],
      ),
    );
    expect(english).toContain('Invoices are created every day [1].');

    const persian = await read(
      withMeaning.answer('صورتحساب با کوبرنتیز و داکر چگونه مستقر می‌شود؟', [
        { n: 1, text: 'صورتحساب‌ها هر روز ساخته می‌شوند.' },
      ]),
    );
    expect(persian).toMatch(/^اسناد به این پرسش پاسخ نمی‌دهند/);
    expect(similarity).toHaveBeenCalledTimes(1);
  });
});
