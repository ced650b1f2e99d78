/** Why a `fetch` failed, in a word: undici hides the socket error (`ECONNREFUSED`...) in `cause`. */
export function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}
