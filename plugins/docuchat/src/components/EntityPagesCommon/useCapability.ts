import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { docuchatApiRef } from '../../api';

/**
 * Whether the backend offers a capability (`GET /health`). `available` stays
 * undefined while loading.
 */
export function useCapability(capability: string) {
  const api = useApi(docuchatApiRef);
  const { value, loading, error } = useAsync(() => api.getHealth(), [api]);
  return {
    loading,
    error,
    available: value ? value.capabilities.includes(capability) : undefined,
  };
}
