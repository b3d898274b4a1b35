import { mockServices } from '@backstage/backend-test-utils';
import { AskEvent } from '@docuchat/backstage-plugin-docuchat-common';
import { AskCounters, AskCounting } from './AskCounting';

function counters(overrides: Partial<AskCounters> = {}): AskCounters {
  return {
    countRagQuery: jest.fn(),
    countModelRequest: jest.fn(),
    observeFirstToken: jest.fn(),
    ...overrides,
  };
}

const token: AskEvent = { event: 'token', data: { text: 'Backups' } };
const citations: AskEvent = { event: 'citations', data: { citations: [] } };

describe('AskCounting', () => {
  it('times the first token only, and passes every event on', () => {
    const metrics = counters();
    const seen: AskEvent[] = [];
    const emit = new AskCounting(
      metrics,
      mockServices.logger.mock(),
    ).timingFirstToken(event => seen.push(event));
    emit(citations);
    expect(metrics.observeFirstToken).not.toHaveBeenCalled();
    emit(token);
    emit(token);
    expect(metrics.observeFirstToken).toHaveBeenCalledTimes(1);
    expect(metrics.observeFirstToken).toHaveBeenCalledWith(expect.any(Number));
    expect(seen).toEqual([citations, token, token]);
  });

  it('counts questions and chat calls by outcome', () => {
    const metrics = counters();
    const counting = new AskCounting(metrics, mockServices.logger.mock());
    counting.question('acme', 'answered');
    counting.model('openai:gpt-4o', 'fallback');
    expect(metrics.countRagQuery).toHaveBeenCalledWith('acme', 'answered');
    expect(metrics.countModelRequest).toHaveBeenCalledWith(
      'openai:gpt-4o',
      'chat',
      'fallback',
    );
  });

  it('logs a counter that throws instead of failing the answer', () => {
    const logger = mockServices.logger.mock();
    const broken = () => {
      throw new Error('registry broken');
    };
    const counting = new AskCounting(
      counters({
        countRagQuery: broken,
        countModelRequest: broken,
        observeFirstToken: broken,
      }),
      logger,
    );
    const seen: AskEvent[] = [];
    expect(() => {
      counting.question('acme', 'error');
      counting.model('openai:gpt-4o', 'error');
      counting.timingFirstToken(event => seen.push(event))(token);
    }).not.toThrow();
    expect(seen).toEqual([token]);
    expect(logger.error).toHaveBeenCalledWith(
      'Could not count a question',
      expect.objectContaining({ message: 'registry broken' }),
    );
    expect(logger.error).toHaveBeenCalledTimes(3);
  });

  it('counts nothing, quietly, without counters', () => {
    const logger = mockServices.logger.mock();
    const counting = new AskCounting(undefined, logger);
    counting.question('acme', 'answered');
    expect(logger.error).not.toHaveBeenCalled();
  });
});
