import { Counter, Registry } from 'prom-client';
import { TextCounter } from './TextCounter';

describe('TextCounter', () => {
  it('prints HELP and TYPE even before the first count', () => {
    const counter = new TextCounter({
      name: 'rag_query_total',
      help: 'Questions asked.',
      labelNames: ['tenant', 'outcome'],
    });
    expect(counter.render()).toBe(
      '# HELP rag_query_total Questions asked.\n# TYPE rag_query_total counter\n',
    );
  });

  it('adds up per label set, whatever order the labels come in', () => {
    const counter = new TextCounter({
      name: 'rag_query_total',
      help: 'Questions asked.',
      labelNames: ['tenant', 'outcome'],
    });
    counter.inc({ tenant: 'acme', outcome: 'answered' });
    counter.inc({ outcome: 'answered', tenant: 'acme' }, 4);
    counter.inc({ tenant: 'globex', outcome: 'error' }, 0);

    expect(counter.get({ tenant: 'acme', outcome: 'answered' })).toBe(5);
    expect(counter.get({ tenant: 'acme', outcome: 'error' })).toBeUndefined();
    expect(counter.render()).toBe(
      [
        '# HELP rag_query_total Questions asked.',
        '# TYPE rag_query_total counter',
        'rag_query_total{tenant="acme",outcome="answered"} 5',
        'rag_query_total{tenant="globex",outcome="error"} 0',
        '',
      ].join('\n'),
    );
  });

  it('prints exactly what a prom-client counter prints, escapes included', async () => {
    const labels = [
      { tenant: 'acme', model: 'openai:Qwen/Qwen2.5-7B' },
      { tenant: 'a"quote', model: 'back\\slash' },
      { tenant: 'new\nline', model: 'ünïcødé' },
    ];
    const ours = new TextCounter({
      name: 'openai_tokens_total',
      help: 'Tokens \\ with\nescapes.',
      labelNames: ['tenant', 'model'],
    });
    const registry = new Registry();
    const theirs = new Counter({
      name: 'openai_tokens_total',
      help: 'Tokens \\ with\nescapes.',
      labelNames: ['tenant', 'model'],
      registers: [registry],
    });
    labels.forEach((label, i) => {
      ours.inc(label, 10 * (i + 1));
      theirs.inc(label, 10 * (i + 1));
    });

    expect(ours.render()).toBe(`${await registry.metrics()}`);
  });

  it('refuses to shrink or to count nonsense', () => {
    const counter = new TextCounter({
      name: 'document_chunks_total',
      help: 'Chunks.',
      labelNames: ['tenant'],
    });
    for (const value of [-1, NaN, Infinity]) {
      expect(() => counter.inc({ tenant: 'acme' }, value)).toThrow(
        `Metric document_chunks_total can only grow by a finite amount of 0 or more, got ${value}`,
      );
    }
    expect(() => counter.inc({} as { tenant: string })).toThrow(
      'Metric document_chunks_total needs a string for label tenant',
    );
    expect(counter.render()).not.toContain('document_chunks_total{');
  });

  it('refuses names Prometheus would not accept', () => {
    expect(
      () => new TextCounter({ name: 'bad-name', help: 'x', labelNames: [] }),
    ).toThrow('Invalid metric name: bad-name');
    expect(
      () =>
        new TextCounter({ name: 'ok_total', help: 'x', labelNames: ['__x'] }),
    ).toThrow('Invalid label name: __x');
  });
});
