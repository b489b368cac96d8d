// Replies and typed content (docs/api.md): the quoted block above a reply, images and files, the
// body as the fallback for any type this client does not know, and the message menu's Reply.
import type { MessageContent, MessageQuote } from '../types';
import { h, icon } from './dom';
import { colorFor } from './format';

/** As the server cuts a quote: 100 characters (code points here, close enough for a pending reply). */
export function localQuote(senderId: string, body: string, contentType?: string): MessageQuote {
  const chars = [...body];
  return { senderId, snippet: chars.length > 100 ? `${chars.slice(0, 100).join('')}…` : body, contentType };
}

/** The quoted original above a reply; "recalled" when it was, then or since (as far as this device knows). */
export function quoteBlock(q: MessageQuote, me: string, recalledSince: boolean): HTMLElement {
  const recalled = q.recalled || recalledSince;
  return h('div', { class: 'quote', 'data-testid': 'quote', 'data-recalled': recalled || undefined },
    h('span', { class: 'quote-sender', style: `color:${colorFor(q.senderId)}` }, q.senderId === me ? 'You' : q.senderId),
    h('span', { class: 'quote-snippet' }, recalled ? 'This message was recalled' : q.snippet || (q.contentType ? `[${q.contentType}]` : '')));
}

/** An image or a file as such; null for text and for types this client does not render (the body stands for them). */
export function contentView(type: string | undefined, content: MessageContent | undefined): HTMLElement | null {
  const url = safeUrl(content?.url);
  if (!content || !url) return null;
  const name = typeof content.name === 'string' && content.name ? content.name : decodeURIComponent(url.pathname.split('/').pop() || url.host);
  if (type === 'image') {
    return h('img', {
      class: 'msg-image', 'data-testid': 'message-image', src: url.href, alt: name, loading: 'lazy',
      width: positive(content.width), height: positive(content.height),
    });
  }
  if (type === 'file') {
    return h('a', { class: 'msg-file', 'data-testid': 'message-file', href: url.href, target: '_blank', rel: 'noopener noreferrer', download: name },
      icon(FileIcon), h('span', { class: 'msg-file-name' }, name), h('span', { class: 'msg-file-size' }, formatSize(content.size)));
  }
  return null;
}

const FileIcon = ['M14 3H7a1 1 0 0 0-1 1v16a1 1 0 0 0 1 1h10a1 1 0 0 0 1-1V7z', 'M14 3v4h4'];

/** The body the server derives for an image or a file sent without one: not worth a caption. */
export function isDerivedFallback(body: string): boolean {
  return /^\[(image|file)(: .*)?\]$/.test(body);
}

export function formatSize(bytes: unknown): string {
  if (typeof bytes !== 'number' || !(bytes >= 0)) return '';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** The "⋯" menu of a message; `actions` are its entries (Reply here; others may add theirs). */
export function messageMenu(actions: { label: string; testid: string; run: () => void }[]): HTMLElement {
  const menu = h('details', { class: 'msg-menu' }, h('summary', { class: 'msg-menu-button', 'data-testid': 'message-menu', 'aria-label': 'Message actions', title: 'More' }, '⋯'));
  menu.append(h('div', { class: 'msg-menu-items', role: 'menu' }, ...actions.map((a) => h('button', {
    type: 'button', role: 'menuitem', 'data-testid': a.testid, onclick: () => { (menu as HTMLDetailsElement).open = false; a.run(); },
  }, a.label))));
  return menu;
}

// Only http(s): the server checks it, and a client must not trust what it renders as a link anyway.
function safeUrl(url: unknown): URL | null {
  if (typeof url !== 'string') return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed : null;
  } catch {
    return null;
  }
}

function positive(n: unknown): number | undefined {
  return typeof n === 'number' && n > 0 ? Math.round(n) : undefined;
}
