// @ts-check
/* global fetch */
/** The explorer's read API, as the pages call it. */

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * GET /api<path>; throws ApiError with the API's code and message on failure.
 * @param {string} path
 * @returns {Promise<any>}
 */
export async function api(path) {
  let res;
  try {
    res = await fetch(`/api${path}`, { headers: { accept: "application/json" } });
  } catch {
    throw new ApiError(0, "UNREACHABLE", "the explorer server does not answer");
  }
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    throw new ApiError(res.status, body?.error?.code ?? "HTTP", body?.error?.message ?? `HTTP ${res.status}`);
  }
  return body;
}
