import { countTokens } from '../ingest/tokens';
import { ExtractiveAnswerer, parseNumberedSources } from './ExtractiveAnswerer';

async function read(stream: AsyncIterable<string>) {
  let text = '';
  for await (const delta of stream) text += delta;
  return text;
}

const sources = [
  {
    n: 1,
    text: 'DocuChat bills per token. Invoices are created every day by the billing scheduler.',
  },
  {
    n: 2,
    text: 'Tenants pay invoices through the Zibal gateway. The weather is nice today.',
  },
  { n: 3, text: 'Embeddings are computed locally when no key is set.' },
];

describe('ExtractiveAnswerer', () => {
  const answerer = new ExtractiveAnswerer();

  it('quotes the most relevant sentences with their citations', async () => {
    const question = 'How do tenants pay their invoices?';
    const stream = answerer.answer(question, sources);
    const text = await read(stream);

    expect(text).toBe(
      'From the documents: Tenants pay invoices through the Zibal gateway [2]. ' +
        'Invoices are created every day by the billing scheduler [1].',
    );
    expect(text).not.toMatch(/weather|Embeddings/);
    expect(await stream.usage()).toEqual({
      promptTokens:
        countTokens(question) +
        sources.reduce((sum, s) => sum + countTokens(s.text), 0),
      completionTokens: countTokens(text),
      estimated: false,
    });
    expect(answerer.id).toBe('local:extractive');
  });

  it('says plainly when nothing matches', async () => {
    const text = await read(answerer.answer('What about kubernetes?', sources));
    expect(text).toMatch(/could not find anything/);
    expect(text).not.toMatch(/\[\d+\]/);
    expect(await read(answerer.answer('Anything?', []))).toMatch(
      /could not find anything/,
    );
  });

  it('answers Persian questions from Persian sources, in Persian', async () => {
    const persian = [
      { n: 4, text: 'صورتحساب‌ها هر روز ساخته می‌شوند. هوا امروز آفتابی است.' },
      { n: 7, text: 'پرداخت صورتحساب از درگاه زیبال انجام می‌شود؛ سریع است!' },
    ];
    const text = await read(
      answerer.answer('پرداخت صورتحساب چگونه است؟', persian),
    );
    expect(text.startsWith('بر اساس اسناد:')).toBe(true);
    expect(text).toContain(
      'پرداخت صورتحساب از درگاه زیبال انجام می‌شود؛ سریع است [7]!',
    );
    expect(text).not.toContain('هوا');

    const nothing = await read(answerer.answer('کوبرنتیز چیست؟', persian));
    expect(nothing).toMatch(/پیدا نکردم/);
  });

  it('keeps to maxSentences and quotes a repeated sentence once', async () => {
    const repeated = [
      { n: 1, text: 'Billing runs daily. Billing sends email.' },
      { n: 2, text: 'Billing runs daily. Billing uses Zibal.' },
    ];
    const text = await read(
      new ExtractiveAnswerer({ maxSentences: 2 }).answer('billing', repeated),
    );
    expect(text.match(/\[\d\]/g)).toHaveLength(2);
    expect(text.match(/Billing runs daily/g)).toHaveLength(1);
  });

  it('works as a ChatModel from a prompt with numbered sources', async () => {
    const stream = await answerer.stream({
      messages: [
        {
          role: 'system',
          content: `Answer from these sources:\n[1] ${sources[0].text}\n[2] ${sources[1].text}`,
        },
        { role: 'user', content: 'How do tenants pay invoices?' },
      ],
    });
    expect(await read(stream)).toContain('Zibal gateway [2].');
  });

  it('parses [n] blocks, continuation lines included', () => {
    expect(parseNumberedSources('intro\n[1] first\nmore\n[12] second')).toEqual(
      [
        { n: 1, text: 'first\nmore' },
        { n: 12, text: 'second' },
      ],
    );
  });
});
