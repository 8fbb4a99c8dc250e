// Small DOM helpers: elements built with createElement and text nodes (never innerHTML: names
// come from the engine), updated in place.

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  cls?: string,
  ...kids: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  e.append(...kids);
  return e;
}

/** A text node to update with `set`. */
export function text(initial = ''): Text {
  return document.createTextNode(initial);
}

/** Sets a text node's data when it changed. */
export function set(t: Text, value: string): void {
  if (t.data !== value) t.data = value;
}
