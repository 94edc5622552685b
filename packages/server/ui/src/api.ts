// Calls to the inspector's API beside the page (/ui/api/ on this origin, with whatever credentials the browser
// or the local server adds). A refusal is the server's kube Status, shown as code, reason and message.
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`./api/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers:
      body === undefined
        ? { Accept: 'application/json' }
        : { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
    cache: 'no-store',
  });
  const text = await res.text();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (!res.ok) {
    const s = (value ?? {}) as { reason?: string; message?: string };
    throw new ApiError(res.status, s.reason ?? res.statusText, s.message ?? text.slice(0, 300));
  }
  return value as T;
}
