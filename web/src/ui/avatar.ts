import { h } from './dom';
import { colorFor, initials } from './format';

/** A round badge with a name's initials, in a colour of its own. */
export function avatar(name: string, size: 'small' | 'normal' = 'normal'): HTMLElement {
  return h('div', { class: `avatar ${size}`, style: `background:${colorFor(name)}`, 'aria-hidden': 'true' }, initials(name));
}
