import { act, renderHook, waitFor } from '@testing-library/react';
import { useReloadableAsync } from './useReloadableAsync';

/** A load per call, each resolved by hand. */
function controlledLoads() {
  const pending: Array<(value: string) => void> = [];
  const load = jest.fn(
    () => new Promise<string>(resolve => pending.push(resolve)),
  );
  return { load, pending };
}

describe('useReloadableAsync', () => {
  it('loads again when reloaded during a load, and shows the newest answer', async () => {
    const { load, pending } = controlledLoads();
    const { result } = renderHook(() => useReloadableAsync(load, []));
    expect(result.current.loading).toBe(true);
    expect(load).toHaveBeenCalledTimes(1);

    // useAsyncRetry's retry would do nothing here: the first load runs.
    act(() => result.current.reload());
    await waitFor(() => expect(load).toHaveBeenCalledTimes(2));

    // The first load answers late; only the newest one counts.
    await act(async () => {
      pending[1]('after the change');
      pending[0]('before the change');
    });
    await waitFor(() => expect(result.current.loading).toBe(false));
    expect(result.current.value).toBe('after the change');
  });

  it('keeps the last value while a reload runs, and its reload is stable', async () => {
    const { load, pending } = controlledLoads();
    const { result } = renderHook(() => useReloadableAsync(load, []));
    const firstReload = result.current.reload;
    await act(async () => pending[0]('one'));
    expect(result.current.value).toBe('one');

    act(() => firstReload());
    await waitFor(() => expect(result.current.loading).toBe(true));
    expect(result.current.value).toBe('one');
    expect(result.current.reload).toBe(firstReload);
    await act(async () => pending[1]('two'));
    expect(result.current.value).toBe('two');
  });
});
