import {
  Content,
  ContentHeader,
  Header,
  InfoCard,
  Page,
  Progress,
  ResponseErrorPanel,
  StatusOK,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { docuchatApiRef } from '../../api';

/** The /docuchat page: the DocuChat service as the portal sees it. */
export const DocuChatPage = () => {
  const api = useApi(docuchatApiRef);
  const { value, loading, error } = useAsync(() => api.getHealth(), [api]);

  return (
    <Page themeId="tool">
      <Header
        title="DocuChat"
        subtitle="Chat with your documents; usage billed per token"
      />
      <Content>
        <ContentHeader title="Service" />
        {loading && <Progress />}
        {error && <ResponseErrorPanel error={error} />}
        {value && (
          <InfoCard title="DocuChat backend">
            <Typography component="div">
              <StatusOK>Backend status: {value.status}</StatusOK>
            </Typography>
          </InfoCard>
        )}
      </Content>
    </Page>
  );
};
