import { ApiError } from '../api';
import type { ChatClient } from '../client';
import type { ConversationView, Role } from '../types';
import { avatar } from './avatar';
import { h, icon, Icons } from './dom';
import { userIds } from './format';

/** A member's role as the conversation says it. */
export function roleOf(view: ConversationView, userId: string): Role {
  return view.owner === userId ? 'owner' : view.admins?.includes(userId) ? 'admin' : 'member';
}

/**
 * What the caller may do to another member, by the server's rules (docs/api.md): the owner gives
 * roles, hands ownership over and removes anyone; an admin removes plain members; a member nothing.
 * Only what is allowed is offered; the server refuses the rest anyway.
 */
export function actionsOn(view: ConversationView, me: string, userId: string): { promote: boolean; demote: boolean; transfer: boolean; remove: boolean } {
  const mine = roleOf(view, me);
  const theirs = roleOf(view, userId);
  const owner = mine === 'owner' && userId !== me;
  return {
    promote: owner && theirs === 'member',
    demote: owner && theirs === 'admin',
    transfer: owner,
    remove: owner || (mine === 'admin' && theirs === 'member'),
  };
}

const RoleLabels: Record<Role, string> = { owner: 'Owner', admin: 'Admin', member: '' };

/**
 * A group's members with their roles, and the actions the user's role allows: rename the group and
 * add members (owner and admins), promote, demote, hand ownership over, remove, and leave. It shows
 * what the server says and asks again after each action and whenever a notice of this group comes in.
 */
export class MembersDialog {
  private readonly list = h('ul', { class: 'member-list', 'data-testid': 'member-list' });
  private readonly manage = h('div', { class: 'members-manage' });
  private readonly error = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'members-error' });
  private readonly heading = h('h2', { id: 'members-title' }, 'Members');
  private readonly backdrop: HTMLElement;
  private readonly unsubscribe: () => void;
  private view: ConversationView | null = null;
  private busy = false;

  constructor(
    private readonly client: ChatClient,
    private readonly conversationId: string,
  ) {
    const leave = h('button', { type: 'button', class: 'secondary danger', 'data-testid': 'leave-group', onclick: () => void this.leave() }, 'Leave group');
    const dialog = h('div', { class: 'dialog members', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'members-title', 'data-testid': 'members-dialog' },
      h('header', null, this.heading,
        h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Close', 'data-testid': 'close-members', onclick: () => this.close() }, icon(Icons.close))),
      this.manage,
      this.list,
      this.error,
      h('footer', null, leave),
    );
    this.backdrop = h('div', { class: 'dialog-backdrop', onmousedown: (e: MouseEvent) => e.target === this.backdrop && this.close() }, dialog);
    dialog.addEventListener('keydown', (e) => e.key === 'Escape' && this.close());
    this.unsubscribe = client.onChange((changed) => {
      if (changed.all || changed.messages?.has(conversationId)) void this.refresh();
      if (changed.list && !client.conversations.has(conversationId)) this.close();
    });
    document.body.append(this.backdrop);
    void this.refresh();
  }

  close(): void {
    this.unsubscribe();
    this.backdrop.remove();
  }

  private async refresh(): Promise<void> {
    try {
      this.view = await this.client.members(this.conversationId);
      this.render();
    } catch (e) {
      this.error.textContent = message(e);
    }
  }

  private render(): void {
    const view = this.view;
    if (!view) return;
    const me = this.client.me;
    const mine = roleOf(view, me);
    this.heading.textContent = `Members (${view.members.length})`;
    this.manage.replaceChildren(...(mine === 'member' ? [] : this.manageForms(view)));
    // Owner first, then admins, then everyone else, each by id.
    const order = { owner: 0, admin: 1, member: 2 };
    const members = [...view.members].sort((a, b) => order[roleOf(view, a)] - order[roleOf(view, b)] || a.localeCompare(b));
    this.list.replaceChildren(...members.map((user) => this.memberRow(view, user)));
  }

  private memberRow(view: ConversationView, user: string): HTMLElement {
    const role = roleOf(view, user);
    const can = actionsOn(view, this.client.me, user);
    const action = (label: string, testid: string, run: () => Promise<unknown>, danger = false) =>
      h('button', { type: 'button', class: `link${danger ? ' danger' : ''}`, 'data-testid': testid, onclick: () => void this.act(run) }, label);
    const id = this.conversationId;
    return h('li', { class: 'member', 'data-testid': 'member', 'data-user': user, 'data-role': role },
      avatar(user, 'small'),
      h('span', { class: 'member-name' }, user, user === this.client.me ? h('span', { class: 'muted' }, ' (you)') : null),
      RoleLabels[role] ? h('span', { class: `role-badge ${role}`, 'data-testid': 'role-badge' }, RoleLabels[role]) : null,
      h('span', { class: 'member-actions' },
        can.promote ? action('Make admin', 'promote', () => this.client.setRole(id, user, 'admin')) : null,
        can.demote ? action('Remove admin', 'demote', () => this.client.setRole(id, user, 'member')) : null,
        can.transfer ? action('Make owner', 'transfer', () => this.client.setRole(id, user, 'owner')) : null,
        can.remove ? action('Remove', 'remove-member', () => this.client.changeMembers(id, [], [user]), true) : null,
      ),
    );
  }

  /** Renaming and adding members, for the owner and admins. */
  private manageForms(view: ConversationView): HTMLElement[] {
    const title = h('input', { 'data-testid': 'rename-input', value: view.title ?? '', maxlength: 200, 'aria-label': 'Group name' });
    const rename = h('form', { class: 'inline-form' }, title, h('button', { class: 'secondary', type: 'submit', 'data-testid': 'rename' }, 'Rename'));
    rename.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.act(() => this.client.setTitle(this.conversationId, title.value.trim() || null));
    });
    const who = h('input', { 'data-testid': 'add-member-input', placeholder: 'user id', autocapitalize: 'off', spellcheck: 'false', 'aria-label': 'Add member' });
    const add = h('form', { class: 'inline-form' }, who, h('button', { class: 'secondary', type: 'submit', 'data-testid': 'add-member' }, 'Add'));
    add.addEventListener('submit', (e) => {
      e.preventDefault();
      const { ids, bad } = userIds(who.value);
      if (ids.length === 0 || bad) {
        this.error.textContent = bad ? `"${bad}" is not a valid user id.` : 'Name a user to add.';
        return;
      }
      void this.act(() => this.client.changeMembers(this.conversationId, ids, []));
    });
    return [rename, add];
  }

  private async leave(): Promise<void> {
    await this.act(() => this.client.changeMembers(this.conversationId, [], [this.client.me]));
  }

  /** Runs one action at a time and shows the conversation as the server answers, or why it refused. */
  private async act(run: () => Promise<unknown>): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.error.textContent = '';
    try {
      const answer = await run();
      if (isView(answer) && answer.members.includes(this.client.me)) {
        this.view = answer;
        this.render();
      } else if (isView(answer)) {
        this.close(); // left the group: its `left` event takes it off the list
      }
    } catch (e) {
      this.error.textContent = message(e);
    } finally {
      this.busy = false;
    }
  }
}

function isView(value: unknown): value is ConversationView {
  return typeof value === 'object' && value !== null && Array.isArray((value as ConversationView).members);
}

function message(e: unknown): string {
  return e instanceof ApiError && e.status !== 0 ? e.message : 'Cannot reach the server. Try again when online.';
}
