/** The HTTP call the crawler makes; injected so tests need no network. */
export type HttpClient = (url: URL) => Promise<unknown>;

export const HTTP_CLIENT = Symbol('HTTP_CLIENT');

/** The default client: a GET with the global fetch, JSON answer. */
export const fetchJson: HttpClient = async (url) => {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Graph API answered ${response.status}`);
  return response.json();
};
