import { screen } from '@testing-library/react';
import { fakeApi, renderDocuChat } from '../../__testUtils__/renderDocuChat';
import { DocuchatSearchResultListItem } from './DocuchatSearchResultListItem';

const result = {
  title: 'DocuChat: Latency › Steps',
  text: 'Open the latency dashboard and compare p95 with the SLO.',
  location: '/docuchat/tenants/ops/documents?passage=c1',
  tenantId: 'ops',
  tenantName: 'Operations (demo)',
  documentId: 'd1',
  documentTitle: 'DocuChat: Latency',
  chunkId: 'c1',
  headingPath: ['Latency', 'Steps'],
  sourceUrl: '/docs/default/system/docuchat/runbooks/latency/',
};

describe('DocuchatSearchResultListItem', () => {
  it('links the passage on the DocuChat page, names its tenant and highlights the match', async () => {
    await renderDocuChat(
      <DocuchatSearchResultListItem
        result={result}
        highlight={{
          preTag: '<em>',
          postTag: '</em>',
          fields: { text: 'Open the <em>latency</em> dashboard' },
        }}
      />,
      { api: fakeApi({}) },
    );
    expect(
      screen.getByRole('link', { name: 'DocuChat: Latency › Steps' }),
    ).toHaveAttribute('href', '/docuchat/tenants/ops/documents?passage=c1');
    expect(screen.getByText('DocuChat · Operations (demo)')).toBeVisible();
    expect(screen.getByText('latency').tagName).toBe('MARK');
  });

  it('shows the passage as it is without a highlight', async () => {
    await renderDocuChat(<DocuchatSearchResultListItem result={result} />, {
      api: fakeApi({}),
    });
    expect(screen.getByText(result.text)).toBeVisible();
  });
});
