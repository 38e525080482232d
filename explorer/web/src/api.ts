/** The explorer's read API as the pages call it, and a hook that re-reads on live updates. */
import { useEffect, useState } from "preact/hooks";
import { useLive } from "./live.ts";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** GET /api<path>; throws ApiError with the API's code and message on failure. */
export async function api<T>(path: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api${path}`, { headers: { accept: "application/json" } });
  } catch {
    throw new ApiError(0, "UNREACHABLE", "the explorer server does not answer");
  }
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    throw new ApiError(res.status, body?.error?.code ?? "HTTP", body?.error?.message ?? `HTTP ${res.status}`);
  }
  return body as T;
}

export type Loaded<T> = { data: T; error: null } | { data: null; error: ApiError | null };

/**
 * The reply at `path`, read again whenever the chain changes (live.ts): the page updates in
 * place and keeps showing the last reply while the next loads.
 */
export function useApi<T>(path: string): Loaded<T> {
  const version = useLive();
  const [state, setState] = useState<{ path: string; loaded: Loaded<T> }>({
    path,
    loaded: { data: null, error: null },
  });
  useEffect(() => {
    let current = true;
    api<T>(path).then(
      (data) => current && setState({ path, loaded: { data, error: null } }),
      (error: unknown) =>
        current &&
        setState({
          path,
          loaded: {
            data: null,
            error: error instanceof ApiError ? error : new ApiError(0, "CLIENT", String(error)),
          },
        }),
    );
    return () => {
      current = false;
    };
  }, [path, version]);
  // Another page's reply is never shown under this one's path.
  return state.path === path ? state.loaded : { data: null, error: null };
}
