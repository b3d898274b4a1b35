import { DependencyList, useCallback, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';

/**
 * `useAsync` with a `reload` that always loads again. useAsyncRetry's
 * `retry` is a no-op while a load runs, so an action that ends during one
 * (a source added at once, a billing run finishing while the list loads)
 * left the list stale. `reload` is stable, safe in timers and in handlers
 * made during an earlier render; the newest load wins, and the last value
 * stays shown while a reload runs.
 */
export function useReloadableAsync<T>(
  load: () => Promise<T>,
  deps: DependencyList,
) {
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion(v => v + 1), []);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `deps` are the caller's
  const state = useAsync(load, [...deps, version]);
  return { ...state, reload };
}
