import { render, screen } from '@testing-library/react';
import { safeHref, SafeMarkdown } from './SafeMarkdown';

describe('SafeMarkdown', () => {
  it('renders the Markdown answers use', () => {
    const { container } = render(
      <SafeMarkdown
        text={[
          '## Steps',
          'Run **yarn test** and `yarn tsc` [1].',
          '- one',
          '- two',
          '```',
          'echo rtl-safe',
          '```',
          'See [the docs](https://backstage.io) or [the page](/docuchat).',
        ].join('\n')}
        renderCitation={n => <button>cite {n}</button>}
      />,
    );
    expect(screen.getByRole('heading', { name: 'Steps' })).toBeVisible();
    expect(screen.getByText('yarn test').tagName).toBe('STRONG');
    expect(screen.getByRole('button', { name: 'cite 1' })).toBeVisible();
    expect(screen.getAllByRole('listitem')).toHaveLength(2);
    expect(container.querySelector('pre')).toHaveAttribute('dir', 'ltr');
    const external = screen.getByRole('link', { name: 'the docs' });
    expect(external).toHaveAttribute('href', 'https://backstage.io');
    expect(external).toHaveAttribute('rel', 'noopener noreferrer');
    expect(screen.getByRole('link', { name: 'the page' })).toHaveAttribute(
      'href',
      '/docuchat',
    );
  });

  it('keeps underscores inside words, as CommonMark does', () => {
    const { container } = render(
      <SafeMarkdown text="Set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING, snake_case __init__ and _this_ word." />,
    );
    expect(container.textContent).toContain(
      'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING, snake_case',
    );
    expect(
      Array.from(container.querySelectorAll('em, strong'), e => e.textContent),
    ).toEqual(['init', 'this']);
  });

  it('never renders raw HTML, scripts, images or script links', () => {
    const { container } = render(
      <SafeMarkdown
        text={[
          '<script>window.__xss = 1</script>',
          '<img src=x onerror="window.__xss = 2">',
          '[click](javascript:window.__xss=3) [data](data:text/html,hi)',
          '![tracker](https://evil.example/pixel.png)',
        ].join('\n\n')}
      />,
    );
    expect(container.querySelector('script, img, iframe')).toBeNull();
    expect(container.querySelectorAll('a')).toHaveLength(0);
    expect(container).toHaveTextContent('<script>window.__xss = 1</script>');
    expect(container).toHaveTextContent('click data');
    expect((window as any).__xss).toBeUndefined();
  });

  it('keeps only http(s) and relative links', () => {
    expect(safeHref('https://a.example/x')).toBe('https://a.example/x');
    expect(safeHref('docs/page#x')).toBe('docs/page#x');
    for (const href of [
      // eslint-disable-next-line no-script-url -- the URL this must refuse
      'javascript:alert(1)',
      ' JavaScript:alert(1)',
      'data:text/html,x',
      'vbscript:x',
      '//evil.example',
      'mailto:a@b.c',
    ]) {
      expect(safeHref(href)).toBeUndefined();
    }
  });
});
