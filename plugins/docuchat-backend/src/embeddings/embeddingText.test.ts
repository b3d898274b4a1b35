import { embeddingText } from './embeddingText';

describe('embeddingText', () => {
  it('puts the title and heading path in front of a chunk', () => {
    // A section's later chunk: its text says nothing of where it is.
    expect(
      embeddingText(
        'CONTRIBUTING.md',
        ['Contributing', 'Tests'],
        'Run it with `yarn test`.',
      ),
    ).toBe(
      'CONTRIBUTING.md › Contributing › Tests\n\nRun it with `yarn test`.',
    );
  });

  it('does not repeat the heading or title the text opens with', () => {
    // A section's first chunk opens with its own heading.
    expect(
      embeddingText(
        'CONTRIBUTING.md',
        ['Contributing', 'Tests'],
        'Tests\n\nRun it with `yarn test`.',
      ),
    ).toBe(
      'CONTRIBUTING.md › Contributing\n\nTests\n\nRun it with `yarn test`.',
    );
    // A plain-text document that opens with its title.
    expect(
      embeddingText('Backups', [], 'Backups\n\nKept for thirty days.'),
    ).toBe('Backups\n\nKept for thirty days.');
  });

  it('embeds the text alone when there is nothing to add', () => {
    expect(embeddingText('', [], 'Just text.')).toBe('Just text.');
  });
});
