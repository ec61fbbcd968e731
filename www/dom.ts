/** The page's element lookup: a missing element is a clear error naming it. */
export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`page: element #${id} is missing`);
  return e as T;
}
