import { ApiError } from '../api';
import type { Changed, ChatClient } from '../client';
import type { ConversationRow } from '../types';
import { ConversationPane } from './conversation';
import { h, icon, Icons, morph } from './dom';
import { avatar } from './avatar';
import { listTime, titleOf, userIds } from './format';
import { SettingsMenu } from './settings';


/** The signed-in screen: the conversation list beside the open conversation. */
export class ChatScreen {
  private readonly list = h('nav', { class: 'conv-list', 'data-testid': 'conversation-list', 'aria-label': 'Conversations' });
  private readonly status = h('span', { class: 'status', 'data-testid': 'status' });
  private readonly main = h('section', { class: 'main' });
  private readonly shell: HTMLElement;
  private pane: ConversationPane | null = null;
  private items = new Map<string, { key: string; el: HTMLElement }>();
  private readonly unsubscribe: () => void;
  /** The user's name, which opens their own settings. */
  private readonly settings: SettingsMenu;
  private readonly onPopState = () => this.route();
  private readonly onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && !document.querySelector('.dialog-backdrop')) this.open(null);
  };

  constructor(
    root: HTMLElement,
    private readonly client: ChatClient,
    private readonly signOut: () => void,
  ) {
    this.settings = new SettingsMenu(client);
    const sidebar = h('aside', { class: 'sidebar' },
      h('header', { class: 'sidebar-header' },
        h('div', { class: 'brand' }, h('div', { class: 'brand-mark' }, 'S'), h('span', { class: 'brand-name' }, 'Seqline')),
        this.status,
      ),
      h('div', { class: 'me' },
        this.settings.element,
        h('button', { class: 'icon-button', title: 'Sign out', 'aria-label': 'Sign out', 'data-testid': 'sign-out', onclick: () => this.signOut() }, icon(Icons.logout)),
        h('button', { class: 'primary small', 'data-testid': 'new-group', onclick: () => this.newGroup() }, icon(Icons.plus), 'New group'),
      ),
      this.list,
    );
    this.shell = h('div', { class: 'shell' }, sidebar, this.main);
    root.replaceChildren(this.shell);
    this.unsubscribe = client.onChange((changed) => this.changed(changed));
    window.addEventListener('popstate', this.onPopState);
    window.addEventListener('keydown', this.onKey);
    this.renderStatus();
    this.renderList();
    this.route();
  }

  destroy(): void {
    this.unsubscribe();
    window.removeEventListener('popstate', this.onPopState);
    window.removeEventListener('keydown', this.onKey);
    this.pane?.destroy();
    this.settings.destroy();
  }

  private changed(changed: Changed): void {
    if (changed.status) this.renderStatus();
    if (changed.list || changed.all) {
      this.renderList();
      if (this.pane === null) this.renderEmptyState();
      // The open conversation may have appeared (a reload) or gone (dropped by a sync reset).
      const id = conversationInPath();
      if (this.pane === null && id !== null && this.client.conversations.has(id)) this.route();
      else if (this.pane !== null && !this.client.conversations.has(this.pane.conversationId)) this.open(null);
    }
    this.pane?.update(changed);
  }

  /** The URL says which conversation is open: /c/{id}, or / for none. */
  private route(): void {
    const id = conversationInPath();
    if (id === this.pane?.conversationId) return;
    this.pane?.destroy();
    this.pane = null;
    if (id !== null && this.client.conversations.has(id)) {
      this.pane = new ConversationPane(this.client, id, () => this.open(null));
      this.main.replaceChildren(this.pane.element);
      this.shell.classList.add('has-open');
      this.pane.start();
    } else {
      this.main.replaceChildren();
      this.renderEmptyState();
      this.shell.classList.remove('has-open');
    }
    this.renderList();
  }

  private renderEmptyState(): void {
    const none = this.client.conversations.size === 0;
    const shown = this.main.firstElementChild as HTMLElement | null;
    if (shown?.dataset.empty === String(none)) return;
    this.main.replaceChildren(emptyState(none));
  }

  private open(id: string | null): void {
    const path = id === null ? '/' : `/c/${encodeURIComponent(id)}`;
    if (location.pathname !== path) history.pushState(null, '', path);
    this.route();
  }

  private renderStatus(): void {
    const labels = { online: 'Online', connecting: 'Connecting…', offline: 'Offline' } as const;
    this.status.dataset.status = this.client.status;
    this.status.replaceChildren(h('span', { class: 'dot' }), labels[this.client.status]);
    this.shell?.classList.toggle('is-offline', this.client.status === 'offline');
  }

  private renderList(): void {
    const rows = [...this.client.conversations.values()];
    const unread = rows.reduce((sum, row) => sum + Math.max(0, row.lastSeq - row.readSeq), 0);
    document.title = unread > 0 ? `(${unread}) Seqline` : 'Seqline';
    rows.sort(
      (a, b) => b.lastActivity.localeCompare(a.lastActivity) || a.conversationId.localeCompare(b.conversationId),
    );
    if (rows.length === 0) {
      this.items.clear();
      this.list.replaceChildren(h('p', { class: 'list-empty' }, 'No conversations yet.', h('br'), 'Start one with New group.'));
      return;
    }
    const openId = this.pane?.conversationId;
    // Each conversation keeps one row element for as long as it is listed, so a click in progress is never lost.
    const items = new Map<string, { key: string; el: HTMLElement }>();
    const els = rows.map((row) => {
      const active = row.conversationId === openId;
      const key = JSON.stringify([titleOf(row), row.lastSeq, row.readSeq, row.lastMessage, row.mentionSeqs.length, active, row.muted ?? false]);
      const known = this.items.get(row.conversationId);
      // A changed row is updated in place: a click whose press and release straddle the update
      // (a message arriving as the user clicks) still lands on the same element and opens it.
      const el = !known ? this.listItem(row, active) : known.key === key ? known.el : morph(known.el, this.listItem(row, active));
      items.set(row.conversationId, { key, el });
      return el;
    });
    this.items = items;
    const current = [...this.list.children];
    if (current.length !== els.length || els.some((el, i) => current[i] !== el)) this.list.replaceChildren(...els);
  }

  private listItem(row: ConversationRow, active: boolean): HTMLElement {
    const title = titleOf(row);
    const unread = Math.max(0, row.lastSeq - row.readSeq);
    const last = row.lastMessage;
    const who = last ? (last.senderId === this.client.me ? 'You' : last.senderId) : '';
    const preview = !last ? 'No messages yet' : last.body === '' ? `${who} recalled a message` : `${who}: ${last.body}`;
    const mentioned = row.mentionSeqs.length > 0;
    return h('a', {
      class: `conv${active ? ' active' : ''}${unread > 0 ? ' unread' : ''}`,
      href: `/c/${encodeURIComponent(row.conversationId)}`,
      'data-testid': 'conversation',
      'data-conversation-id': row.conversationId,
      'data-title': title,
      'data-unread': unread,
      onclick: (e: MouseEvent) => {
        if (e.ctrlKey || e.metaKey || e.shiftKey) return;
        e.preventDefault();
        this.open(row.conversationId);
      },
    },
      avatar(title),
      h('div', { class: 'conv-main' },
        h('div', { class: 'conv-top' },
          h('span', { class: 'conv-title' }, title),
          row.muted ? h('span', { class: 'muted-marker', title: 'Muted', 'data-testid': 'muted-marker' }, icon(Icons.bellOff)) : null,
          last ? h('time', { class: 'conv-time' }, listTime(last.sentAt)) : null,
        ),
        h('div', { class: 'conv-bottom' },
          h('span', { class: 'conv-preview' }, preview),
          mentioned && unread > 0 ? h('span', { class: 'badge mention', title: 'You were mentioned', 'data-testid': 'mention-badge' }, '@') : null,
          unread > 0 ? h('span', { class: 'badge', 'data-testid': 'unread-badge' }, unread > 99 ? '99+' : unread) : null,
        ),
      ),
    );
  }

  private newGroup(): void {
    const title = h('input', { id: 'group-title', 'data-testid': 'group-title', placeholder: 'e.g. Friday lunch', maxlength: 200 });
    const members = h('input', { id: 'group-members', 'data-testid': 'group-members', placeholder: 'bob, carol', autocapitalize: 'off', spellcheck: 'false' });
    const error = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'group-error' });
    const create = h('button', { class: 'primary', type: 'submit', 'data-testid': 'create-group' }, 'Create group');
    const close = () => backdrop.remove();
    const form = h('form', { class: 'dialog', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'new-group-title', 'data-testid': 'new-group-dialog' },
      h('header', null,
        h('h2', { id: 'new-group-title' }, 'New group'),
        h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Close', onclick: close }, icon(Icons.close)),
      ),
      h('div', { class: 'field' }, h('label', { for: 'group-title' }, 'Name'), title),
      h('div', { class: 'field' }, h('label', { for: 'group-members' }, 'Members'), members,
        h('small', { class: 'muted' }, 'User ids, separated by commas or spaces. You are added yourself.')),
      error,
      h('footer', null, h('button', { type: 'button', class: 'secondary', onclick: close }, 'Cancel'), create),
    );
    const backdrop = h('div', { class: 'dialog-backdrop', onmousedown: (e: MouseEvent) => e.target === backdrop && close() }, form);
    form.addEventListener('keydown', (e) => e.key === 'Escape' && close());
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      error.textContent = '';
      const { bad, ids: typed } = userIds(members.value);
      const ids = typed.filter((m) => m !== this.client.me);
      if (ids.length === 0 || bad) {
        error.textContent = bad ? `"${bad}" is not a valid user id.` : 'Add at least one member.';
        members.focus();
        return;
      }
      create.disabled = true;
      try {
        const name = title.value.trim() || [this.client.me, ...ids].join(', ').slice(0, 200);
        const row = await this.client.createGroup(name, ids);
        close();
        this.open(row.conversationId);
      } catch (err) {
        error.textContent = err instanceof ApiError && err.status !== 0 ? err.message : 'Cannot reach the server. Try again when online.';
      } finally {
        create.disabled = false;
      }
    });
    document.body.append(backdrop);
    title.focus();
  }
}

function emptyState(noConversations: boolean): HTMLElement {
  return h('div', { class: 'empty-state', 'data-testid': 'no-conversation', 'data-empty': String(noConversations) },
    h('div', { class: 'empty-icon' }, icon(Icons.chat)),
    h('h2', null, noConversations ? 'Say hello' : 'Pick a conversation'),
    h('p', { class: 'muted' }, noConversations
      ? 'Create a group to start chatting. Messages sync to all your devices.'
      : 'Choose a conversation from the list to read and reply.'),
  );
}

function conversationInPath(): string | null {
  const match = /^\/c\/([^/]+)$/.exec(location.pathname);
  return match ? decodeURIComponent(match[1]) : null;
}
