type Child = Node | string | number | null | undefined | false;
type Props = Record<string, unknown>;

/** Creates an element: `on*` props become listeners, `class`/attributes are set, children appended. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value as EventListener);
    else if (key === 'value' && 'value' in el) (el as HTMLInputElement).value = String(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** Makes `el` take `fresh`'s attributes and children, keeping `el` itself and its listeners. */
export function morph<T extends Element>(el: T, fresh: Element): T {
  for (const { name } of [...el.attributes]) if (!fresh.hasAttribute(name)) el.removeAttribute(name);
  for (const { name, value } of [...fresh.attributes]) el.setAttribute(name, value);
  el.replaceChildren(...fresh.childNodes);
  return el;
}

export function append(el: Element, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'number' ? String(child) : child);
  }
}

const SvgNs = 'http://www.w3.org/2000/svg';

/** A 24×24 stroked icon from path data. */
export function icon(paths: string[], className = 'icon'): SVGSVGElement {
  const svg = document.createElementNS(SvgNs, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', className);
  svg.setAttribute('aria-hidden', 'true');
  for (const d of paths) {
    const path = document.createElementNS(SvgNs, 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  return svg;
}

export const Icons = {
  plus: ['M12 5v14', 'M5 12h14'],
  send: ['M4 12l16-8-6 16-2.5-6.5z', 'M11.5 13.5L20 4'],
  back: ['M15 5l-7 7 7 7'],
  check: ['M5 12.5l4.5 4.5L19 7'],
  clock: ['M12 7v5l3 2', 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z'],
  alert: ['M12 8v5', 'M12 16.5v.5', 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z'],
  close: ['M6 6l12 12', 'M18 6L6 18'],
  chat: ['M5 5h14a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H10l-5 4v-4H5a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1z'],
  users: ['M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8z', 'M2 21v-1a6 6 0 0 1 6-6h2a6 6 0 0 1 6 6v1', 'M16 3.5a4 4 0 0 1 0 7.5', 'M19 14a6 6 0 0 1 3 5.2V21'],
  checks: ['M2 12.5l4.5 4.5L16 7', 'M10.5 16l1 1L21 7'],
  bellOff: ['M9 18a3 3 0 0 0 6 0', 'M6 8a6 6 0 0 1 9.5-4.9', 'M18 9v4l2 3H8', 'M6 10v3l-2 3h2', 'M3 3l18 18'],
  more: ['M12 6h.01', 'M12 12h.01', 'M12 18h.01'],
  logout: ['M15 4h3a1 1 0 0 1 1 1v14a1 1 0 0 1-1 1h-3', 'M10 8l-4 4 4 4', 'M6 12h10'],
};
