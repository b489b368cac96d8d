import type { Changed, ChatClient } from '../client';
import type { ConversationRow, Message, OutboxItem } from '../types';
import { avatar } from './avatar';
import { h, icon, Icons } from './dom';
import { clock, colorFor, dayKey, dayLabel, titleOf } from './format';
import { MembersDialog } from './members';
import { presenceLine, typingLine } from '../presence';
import { contentView, isDerivedFallback, localQuote, messageMenu, quoteBlock } from './rich';
import type { Tick } from '../receipts';

const InitialCount = 50;
const PageCount = 50;
const LoadOlderWithinPx = 400;
const BottomSlackPx = 48;
const MaxBodyBytes = 16 * 1024;
const RunGapMs = 5 * 60_000;

type ItemState = 'synced' | 'acked' | 'pending' | 'failed';

interface Item {
  key: string;
  sig: string;
  build: () => HTMLElement;
}

interface Bubble {
  seq?: number;
  senderId: string;
  clientMsgId: string;
  body: string;
  sentAt: string;
  state: ItemState;
  recalled?: boolean;
  error?: string;
  /** A notice of a role or title change, shown as a line of its own. */
  type?: Message['type'];
  userId?: string;
  role?: Message['role'];
  title?: string | null;
  replyTo?: number;
  quote?: Message['quote'];
  contentType?: string;
  content?: Message['content'];
  editedAt?: string;
  reactions?: Message['reactions'];
}

/** The reactions the message menu offers. */
const QuickReactions = ['👍', '❤️', '😂', '🎉'];

/**
 * One open conversation: its messages from the local cache, newest at the bottom; scrolling up
 * shows older cached messages, then pages older history in from the server down to the first
 * message. The device's own unsent messages show from the outbox until sync brings them back.
 */
/** How often an open direct conversation asks for the peer's presence (docs/api.md: no presence pushes). */
const PresenceEveryMs = 30_000;

export class ConversationPane {
  readonly element: HTMLElement;
  private readonly title = h('h2', { class: 'pane-title', 'data-testid': 'conversation-title' });
  private readonly subtitle = h('span', { class: 'pane-subtitle' });
  private readonly headerAvatar = h('div', { class: 'pane-avatar' });
  private readonly membersButton = h('button', {
    class: 'icon-button members-button', 'aria-label': 'Members', title: 'Members and roles', 'data-testid': 'members-button', onclick: () => this.showMembers(),
  }, icon(Icons.users));
  private members: MembersDialog | null = null;
  private readonly mutedMarker = h('span', { class: 'muted-marker', title: 'Muted', 'data-testid': 'muted-marker' }, icon(Icons.bellOff));
  private readonly menu = h('div', { class: 'pane-menu', role: 'menu', 'data-testid': 'conversation-menu', hidden: true });
  private readonly menuButton = h('button', {
    class: 'icon-button', 'aria-label': 'Conversation menu', title: 'More', 'aria-haspopup': 'menu', 'data-testid': 'conversation-menu-button',
    onclick: () => this.toggleMenu(),
  }, icon(Icons.more));
  private readonly scroller = h('div', { class: 'messages', 'data-testid': 'messages' });
  private readonly inner = h('div', { class: 'messages-inner' });
  private readonly input = h('textarea', {
    class: 'composer-input', rows: 1, placeholder: 'Write a message…', 'data-testid': 'composer', 'aria-label': 'Message',
  });
  private readonly sendButton = h('button', { class: 'send', type: 'submit', 'aria-label': 'Send', title: 'Send', 'data-testid': 'send', disabled: true }, icon(Icons.send));
  private readonly composerError = h('p', { class: 'composer-error', role: 'alert' });
  /** The message the next send replies to, shown above the composer. */
  private replyingTo: Bubble | null = null;
  private readonly replyBar = h('div', { class: 'reply-bar', 'data-testid': 'reply-bar', hidden: true });
  private readonly typingLine = h('div', { class: 'typing-line', 'data-testid': 'typing', 'aria-live': 'polite' });
  private readonly presence = h('span', { class: 'pane-presence', 'data-testid': 'presence' });
  private typingTimer: number | undefined;
  /** The seq of the message being edited in the composer, if any. */
  private editing: number | null = null;
  private presenceTimer: number | undefined;
  private presenceOf: string | null = null;
  private nodes = new Map<string, { sig: string; el: HTMLElement }>();
  private viewFrom = 0;
  private renderToken = 0;
  private renderPending = false;
  private loadingOlder = false;
  private olderFailed = false;
  private forceBottom = true;
  /** The read position when the pane opened: the "New messages" divider goes above what was unread. */
  private readAtOpen: number;
  private destroyed = false;
  private readonly onVisible = () => document.visibilityState === 'visible' && this.scheduleRender();
  /**
   * Where a press (mouse, touch, pen) went down in the messages, until it is released. A bubble
   * rebuilt under a press loses the click, so its rebuild waits for the release.
   */
  private pressed: Element | null = null;
  private readonly onRelease = () => {
    this.pressed = null;
    // After the click this release makes (same task): the bubbles held for it are built now.
    if (this.scroller.dataset.held !== undefined) this.scheduleRender();
  };

  constructor(
    private readonly client: ChatClient,
    readonly conversationId: string,
    private readonly close: () => void,
  ) {
    this.readAtOpen = client.conversations.get(conversationId)?.readSeq ?? 0;
    this.scroller.append(this.inner);
    this.scroller.addEventListener('scroll', () => this.onScroll(), { passive: true });
    this.inner.addEventListener('pointerdown', (e) => { this.pressed = e.target instanceof Element ? e.target : null; });
    window.addEventListener('pointerup', this.onRelease);
    window.addEventListener('pointercancel', this.onRelease);
    const form = h('form', { class: 'composer' }, this.input, this.sendButton);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.send();
    });
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        void this.send();
      }
    });
    this.input.addEventListener('input', () => {
      this.resizeInput();
      // Editing is not typing a new message: the others are not told.
      if (this.input.value.trim() !== '' && this.editing === null) this.client.sendTyping(this.conversationId);
    });
    this.element = h('div', { class: 'pane', 'data-testid': 'conversation-view', 'data-conversation-id': conversationId },
      h('header', { class: 'pane-header' },
        h('button', { class: 'icon-button back', 'aria-label': 'Back to conversations', title: 'Back', 'data-testid': 'back', onclick: () => this.close() }, icon(Icons.back)),
        this.headerAvatar,
        h('div', { class: 'pane-heading' }, h('div', { class: 'pane-title-line' }, this.title, this.mutedMarker), h('span', { class: 'pane-subline' }, this.subtitle, this.presence)),
        this.membersButton,
        h('div', { class: 'pane-menu-anchor' }, this.menuButton, this.menu),
      ),
      h('div', { class: 'offline-banner', 'data-testid': 'offline-banner' }, "You're offline. Messages will be sent when the connection is back."),
      this.scroller,
      this.typingLine,
      this.composerError,
      this.replyBar,
      form,
    );
    document.addEventListener('visibilitychange', this.onVisible);
  }

  start(): void {
    void this.render();
    this.input.focus();
    this.renderTyping();
    if (this.presenceOf === null) void this.refreshPresence();
    void this.client.loadReceipts(this.conversationId);
  }

  destroy(): void {
    this.destroyed = true;
    this.members?.close();
    window.clearTimeout(this.typingTimer);
    window.clearTimeout(this.presenceTimer);
    document.removeEventListener('visibilitychange', this.onVisible);
    window.removeEventListener('pointerup', this.onRelease);
    window.removeEventListener('pointercancel', this.onRelease);
  }

  update(changed: Changed): void {
    if (changed.all || changed.list || changed.outbox || changed.messages?.has(this.conversationId) || changed.receipts?.has(this.conversationId)) this.scheduleRender();
    if (changed.typing?.has(this.conversationId)) this.renderTyping();
  }

  /** Who types now; rendered again when the next indicator expires. */
  private renderTyping(): void {
    window.clearTimeout(this.typingTimer);
    this.typingLine.textContent = typingLine(this.client.typing.typingIn(this.conversationId));
    const next = this.client.typing.nextExpiry(this.conversationId);
    if (next !== null && !this.destroyed) this.typingTimer = window.setTimeout(() => this.renderTyping(), next + 50);
  }

  /** The peer's presence in a direct conversation: asked on opening and every half minute while open. */
  private async refreshPresence(): Promise<void> {
    // The device learns the peer from their first message; until then there is nobody to ask about.
    const peer = this.client.conversations.get(this.conversationId)?.peer ?? null;
    if (this.destroyed) return;
    window.clearTimeout(this.presenceTimer);
    this.presenceOf = peer;
    if (peer) {
      try {
        const p = await this.client.presenceOf(peer);
        this.presence.textContent = presenceLine(p);
        this.presence.dataset.online = String(p.online);
      } catch {
        // Unknown for now (offline, or not shared yet): show nothing rather than a guess.
        this.presence.textContent = '';
        delete this.presence.dataset.online;
      }
    }
    if (!this.destroyed) this.presenceTimer = window.setTimeout(() => void this.refreshPresence(), PresenceEveryMs);
  }

  private scheduleRender(): void {
    if (this.renderPending) return;
    this.renderPending = true;
    window.setTimeout(() => {
      this.renderPending = false;
      void this.render();
    }, 0);
  }

  private async render(): Promise<void> {
    const token = ++this.renderToken;
    const row = this.client.conversations.get(this.conversationId);
    if (!row || this.destroyed) return;
    this.renderHeader(row);

    let messages: Message[] = [];
    if (row.cacheTo > 0) {
      const from = this.viewFrom > 0 ? Math.max(row.cacheFrom, this.viewFrom) : Math.max(row.cacheFrom, row.cacheTo - InitialCount + 1);
      messages = await this.client.readMessages(this.conversationId, from, row.cacheTo);
      if (token !== this.renderToken || this.destroyed) return;
      this.viewFrom = from;
    } else {
      this.viewFrom = 0;
    }
    const atStart = row.cacheStart && (row.cacheTo === 0 || this.viewFrom <= row.cacheFrom);
    const items = this.items(row, messages, atStart);

    const atBottom = this.atBottom();
    const anchor = atBottom || this.forceBottom ? null : this.anchor();
    this.reconcile(items);
    if (atBottom || this.forceBottom) {
      this.scroller.scrollTop = this.scroller.scrollHeight;
      this.forceBottom = false;
    } else if (anchor) {
      // Keep what the reader looks at in place when older messages are added above it.
      const el = this.nodes.get(anchor.key)?.el;
      if (el) this.scroller.scrollTop += el.getBoundingClientRect().top - anchor.top;
    }

    if (row.cacheTo === 0 && !row.cacheStart) void this.loadOlder();
    else if (!atStart && this.scroller.scrollTop < LoadOlderWithinPx) void this.loadOlder();
    this.markReadIfSeen(row);
  }

  private renderHeader(row: ConversationRow): void {
    const name = titleOf(row);
    if (this.title.textContent !== name) {
      this.title.textContent = name;
      this.headerAvatar.replaceChildren(avatar(name));
    }
    this.subtitle.textContent = row.kind === 'direct' ? 'Direct message' : 'Group';
    // The peer may become known only now (from their first message): ask at once.
    if (row.peer && row.peer !== this.presenceOf) void this.refreshPresence();
    // Direct conversations have no roles and no members to change.
    this.membersButton.hidden = row.kind === 'direct';
    this.mutedMarker.hidden = !row.muted;
  }

  /** The conversation menu: mute or unmute (no offline pushes to this user's devices). */
  private toggleMenu(): void {
    if (!this.menu.hidden) {
      this.menu.hidden = true;
      return;
    }
    const muted = this.client.conversations.get(this.conversationId)?.muted ?? false;
    this.menu.replaceChildren(h('button', {
      class: 'menu-item', role: 'menuitem', 'data-testid': 'mute-toggle',
      onclick: () => {
        this.menu.hidden = true;
        void this.client.mute(this.conversationId, !muted).catch(() => undefined);
      },
    }, icon(Icons.bellOff), muted ? 'Unmute' : 'Mute notifications'));
    this.menu.hidden = false;
  }

  private showMembers(): void {
    this.members?.close();
    this.members = new MembersDialog(this.client, this.conversationId);
  }

  /** What the pane shows, in order: history state, days, messages, the unread divider, the outbox. */
  private items(row: ConversationRow, messages: Message[], atStart: boolean): Item[] {
    const me = this.client.me;
    const items: Item[] = [this.topItem(row, atStart, messages.length)];
    const seen = new Set(messages.filter((m) => m.senderId === me).map((m) => m.clientMsgId));
    const outbox = [...this.client.outbox.values()]
      .filter((o) => o.conversationId === this.conversationId && !seen.has(o.clientMsgId))
      .sort(outboxOrder);

    // Messages hidden by the user on another device stay cached (the range stays whole), unseen.
    // Edits and reactions are cached for a whole seq range but show through the message they changed.
    const bubbles: Bubble[] = messages.filter((m) => !m.hidden && m.type !== 'edited' && m.type !== 'reaction').map((m) => ({ ...m, state: 'synced' }));
    // Acknowledged sends have a seq: between the synced messages they belong among; the rest last.
    for (const o of outbox) {
      const bubble = fromOutbox(o, me);
      if (o.state === 'acked' && o.seq !== undefined && o.seq <= (bubbles[bubbles.length - 1]?.seq ?? 0)) {
        const at = bubbles.findIndex((b) => b.seq !== undefined && b.seq > o.seq!);
        bubbles.splice(at < 0 ? bubbles.length : at, 0, bubble);
      } else {
        bubbles.push(bubble);
      }
    }

    // Each member's newest message here: sending it, they read what came before (docs/api.md, "Receipts").
    const lastSent = new Map<string, number>();
    for (const m of messages) if (m.seq > (lastSent.get(m.senderId) ?? 0)) lastSent.set(m.senderId, m.seq);
    let previous: Bubble | null = null;
    let dividerShown = false;
    const recalled = new Set(messages.filter((m) => m.recalled).map((m) => m.seq));
    for (const b of bubbles) {
      const day = dayKey(b.sentAt);
      if (!previous || dayKey(previous.sentAt) !== day) {
        const label = dayLabel(b.sentAt);
        items.push({ key: `day:${day}`, sig: label, build: () => h('div', { class: 'day' }, h('span', null, label)) });
      }
      if (!dividerShown && b.state === 'synced' && b.seq! > this.readAtOpen && b.senderId !== me) {
        dividerShown = true;
        items.push({ key: 'unread', sig: '', build: () => h('div', { class: 'unread-divider', 'data-testid': 'unread-divider' }, h('span', null, 'New messages')) });
      }
      if (b.type) {
        const notice = b;
        items.push({ key: `n:${b.seq}`, sig: `${b.type}|${b.userId}|${b.role}|${b.title}`, build: () => this.notice(notice) });
        previous = b;
        continue;
      }
      const first = !previous || previous.type !== undefined || previous.senderId !== b.senderId || dayKey(previous.sentAt) !== day
        || Date.parse(b.sentAt) - Date.parse(previous.sentAt) > RunGapMs;
      const group = row.kind !== 'direct';
      const shown = b;
      const receipt = b.senderId === me && b.state === 'synced' && b.seq !== undefined
        ? { tick: this.client.receipts.tick(this.conversationId, b.seq, lastSent), readBy: group ? this.client.receipts.readBy(this.conversationId, b.seq, lastSent) : [] }
        : null;
      items.push({
        key: `m:${b.senderId}:${b.clientMsgId}`,
        sig: `${b.state}|${b.seq ?? ''}|${first}|${group}|${b.sentAt}|${b.recalled ?? ''}|${b.error ?? ''}|${b.replyTo !== undefined && recalled.has(b.replyTo)}|${b.body}|${b.editedAt ?? ''}|${JSON.stringify(b.reactions ?? [])}|${receipt?.tick ?? ''}|${receipt?.readBy.join(',') ?? ''}`,
        build: () => this.bubble(shown, first, group, b.replyTo !== undefined && recalled.has(b.replyTo), receipt),
      });
      previous = b;
    }
    return items;
  }

  private topItem(row: ConversationRow, atStart: boolean, count: number): Item {
    if (atStart) {
      const text = count === 0 && row.cacheTo === 0 ? 'No messages yet. Say hello!' : 'This is the beginning of the conversation.';
      return { key: 'top', sig: `start:${text}`, build: () => h('div', { class: 'history-start', 'data-testid': 'history-start' }, text) };
    }
    if (this.olderFailed) {
      return {
        key: 'top', sig: 'failed', build: () => h('div', { class: 'history-more' }, "Couldn't load older messages. ",
          h('button', { class: 'link', onclick: () => { this.olderFailed = false; void this.loadOlder(); } }, 'Try again')),
      };
    }
    return { key: 'top', sig: 'more', build: () => h('div', { class: 'history-more', 'data-testid': 'history-loading' }, h('span', { class: 'spinner' })) };
  }

  /** A role or title change, in the words of the one reading it. */
  private notice(b: Bubble): HTMLElement {
    const me = this.client.me;
    const actor = b.senderId === me ? 'You' : b.senderId;
    const user = b.userId === me ? 'you' : b.userId;
    const role = b.role === 'owner' ? 'the owner' : b.role === 'admin' ? 'an admin' : 'a regular member';
    const text = b.type === 'title'
      ? b.title ? `${actor} renamed the group to “${b.title}”` : `${actor} removed the group's name`
      : b.userId === b.senderId ? `${actor} ${actor === 'You' ? 'are' : 'is'} now ${role}` // the old owner, after handing over
      : `${actor} made ${user} ${role}`;
    return h('div', { class: 'notice', 'data-testid': 'notice', 'data-seq': b.seq, 'data-type': b.type }, h('span', null, text));
  }

  private bubble(b: Bubble, first: boolean, group: boolean, quotedRecalled: boolean, receipt: { tick: Tick; readBy: string[] } | null): HTMLElement {
    const mine = b.senderId === this.client.me;
    // ✓ sent (stored), ✓✓ delivered (a device of every other member has it), ✓✓ in colour: read by all.
    const tick: Tick = receipt?.tick ?? 'sent';
    const status = !mine ? null
      : b.state === 'pending' ? h('span', { class: 'tick', title: 'Sending…' }, icon(Icons.clock))
      : b.state === 'failed' ? h('span', { class: 'tick', title: 'Not sent' }, icon(Icons.alert))
      : h('span', { class: `tick ${tick}`, title: tick === 'read' ? 'Read' : tick === 'delivered' ? 'Delivered' : 'Sent', 'data-testid': 'tick', 'data-tick': tick },
          icon(tick === 'sent' ? Icons.check : Icons.checks));
    const readBy = receipt && receipt.readBy.length > 0
      ? h('div', { class: 'read-by', 'data-testid': 'read-by', 'data-count': receipt.readBy.length, title: receipt.readBy.join(', ') },
          `Read by ${receipt.readBy.length} · ${receipt.readBy.join(', ')}`)
      : null;
    const theirsInGroup = !mine && group;
    return h('div', {
      class: `msg ${mine ? 'mine' : 'theirs'} ${b.state}${first ? ' first' : ''}`,
      'data-testid': 'message',
      'data-seq': b.seq,
      'data-state': b.state,
      'data-sender': b.senderId,
      'data-client-msg-id': b.clientMsgId,
    },
      theirsInGroup ? (first ? avatar(b.senderId, 'small') : h('div', { class: 'avatar-gap' })) : null,
      h('div', { class: 'msg-column' },
        theirsInGroup && first ? h('div', { class: 'sender', style: `color:${colorFor(b.senderId)}` }, b.senderId) : null,
        h('div', { class: `bubble${b.recalled ? ' recalled' : ''}`, 'data-content-type': b.contentType },
          !b.recalled && b.quote ? quoteBlock(b.quote, this.client.me, quotedRecalled) : null,
          b.recalled ? null : contentView(b.contentType, b.content),
          b.recalled
            ? h('span', { class: 'body', 'data-testid': 'message-body', 'data-recalled': '' }, mine ? 'You recalled this message' : 'This message was recalled')
            // A type shown above needs no derived caption; any other type shows its body, the fallback.
            : h('span', { class: 'body', 'data-testid': 'message-body', 'data-fallback': b.contentType && !contentView(b.contentType, b.content) ? '' : undefined },
                contentView(b.contentType, b.content) && isDerivedFallback(b.body) ? '' : b.body),
          h('span', { class: 'meta' },
            b.editedAt && !b.recalled ? h('span', { class: 'edited', 'data-testid': 'edited', title: `Edited ${clock(b.editedAt)}` }, 'edited') : null,
            h('time', { datetime: b.sentAt }, clock(b.sentAt)), status),
        ),
        b.reactions?.length && !b.recalled
          ? h('div', { class: 'reactions', 'data-testid': 'reactions' }, ...b.reactions.map((r) => h('button', {
              class: `reaction${r.users.includes(this.client.me) ? ' own' : ''}`, 'data-testid': 'reaction', 'data-emoji': r.emoji,
              title: r.users.join(', '), onclick: () => void this.react(b, r.emoji),
            }, `${r.emoji} ${r.count}`)))
          : null,
        b.state === 'synced' && !b.recalled ? this.messageActions(b, mine) : null,
        readBy,
        b.state === 'failed'
          ? h('div', { class: 'failed-note' }, `Not sent: ${b.error ?? 'refused'} `,
              h('button', { class: 'link', onclick: () => void this.client.retry(b.clientMsgId) }, 'Retry'), ' · ',
              h('button', { class: 'link', onclick: () => void this.client.discard(b.clientMsgId) }, 'Delete'))
          : null,
      ),
    );
  }

  /** The message's actions: quick reactions for anyone, editing for the sender, and a menu with reply. */
  private messageActions(b: Bubble, mine: boolean): HTMLElement {
    return h('div', { class: 'msg-actions', 'data-testid': 'message-actions' },
      ...QuickReactions.map((emoji) => h('button', {
        class: 'icon-button', 'aria-label': `React ${emoji}`, title: `React ${emoji}`, 'data-testid': 'react', 'data-emoji': emoji,
        onclick: () => void this.react(b, emoji),
      }, emoji)),
      mine ? h('button', { class: 'link', 'data-testid': 'edit', onclick: () => this.startEdit(b) }, 'Edit') : null,
      messageMenu([{ label: 'Reply', testid: 'menu-reply', run: () => this.replyTo(b) }]),
    );
  }

  /** Gives the reaction, or takes it back if the user gave it already. */
  private async react(b: Bubble, emoji: string): Promise<void> {
    if (b.seq === undefined) return;
    const given = b.reactions?.find((r) => r.emoji === emoji)?.users.includes(this.client.me) ?? false;
    try {
      await this.client.react(this.conversationId, b.seq, emoji, !given);
      this.composerError.textContent = '';
    } catch (error) {
      this.composerError.textContent = `Could not react: ${(error as Error).message}`;
    }
  }

  /** Edits in the composer: it holds the text until sent (Enter) or left empty. */
  private startEdit(b: Bubble): void {
    if (b.seq === undefined) return;
    this.editing = b.seq;
    this.input.value = b.body;
    this.input.dataset.editing = String(b.seq);
    this.resizeInput();
    this.input.focus();
  }

  /**
   * Puts the items' elements in order, keeping every element whose item did not change, and one
   * that changed while pressed (rebuilt after the release). A rebuilt element gets the menu that
   * was open and the focus that was in it.
   */
  private reconcile(items: Item[]): void {
    const nodes = new Map<string, { sig: string; el: HTMLElement }>();
    let held = false;
    let focus: (() => void) | null = null;
    let at: ChildNode | null = this.inner.firstChild;
    for (const item of items) {
      const known = this.nodes.get(item.key);
      let entry = known;
      if (!known || known.sig !== item.sig) {
        if (known && this.pressed && known.el.contains(this.pressed)) {
          held = true;
        } else {
          const el = keepMenuOpen(known?.el, item.build());
          focus ??= known ? focusAgain(known.el, el) : null;
          entry = { sig: item.sig, el };
        }
      }
      nodes.set(item.key, entry!);
      const el = entry!.el;
      if (el === at) {
        at = at.nextSibling;
      } else {
        this.inner.insertBefore(el, at);
      }
    }
    while (at) {
      const next: ChildNode | null = at.nextSibling;
      at.remove();
      at = next;
    }
    this.nodes = nodes;
    focus?.();
    if (held) this.scroller.dataset.held = '';
    else delete this.scroller.dataset.held;
  }

  /** The first message on screen, by key: its element may be rebuilt by the render. */
  private anchor(): { key: string; top: number } | null {
    const top = this.scroller.getBoundingClientRect().top;
    for (const [key, { el }] of this.nodes) {
      if (!el.classList.contains('msg')) continue;
      const rect = el.getBoundingClientRect();
      if (rect.bottom > top) return { key, top: rect.top };
    }
    return null;
  }

  private atBottom(): boolean {
    const s = this.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < BottomSlackPx;
  }

  private onScroll(): void {
    if (this.scroller.scrollTop < LoadOlderWithinPx) void this.loadOlder();
    const row = this.client.conversations.get(this.conversationId);
    if (row) this.markReadIfSeen(row);
  }

  /** Shows older cached messages, or pages older history in from the server. */
  private async loadOlder(): Promise<void> {
    const row = this.client.conversations.get(this.conversationId);
    if (!row || this.loadingOlder || this.olderFailed || this.destroyed) return;
    if (row.cacheTo > 0 && this.viewFrom > row.cacheFrom) {
      this.viewFrom = Math.max(row.cacheFrom, this.viewFrom - PageCount);
      await this.render();
      return;
    }
    if (row.cacheStart) return;
    this.loadingOlder = true;
    try {
      await this.client.fetchOlder(this.conversationId, PageCount);
      const updated = this.client.conversations.get(this.conversationId);
      if (updated && updated.cacheTo > 0) this.viewFrom = updated.cacheFrom;
    } catch {
      this.olderFailed = true;
    } finally {
      this.loadingOlder = false;
    }
    await this.render();
  }

  /** Everything up to the newest cached message is read once the bottom is on screen. */
  private markReadIfSeen(row: ConversationRow): void {
    if (document.visibilityState !== 'visible' || row.cacheTo <= row.readSeq || !this.atBottom()) return;
    // Read while watching: no divider for it.
    if (!this.nodes.has('unread')) this.readAtOpen = row.cacheTo;
    void this.client.markRead(this.conversationId, row.cacheTo);
  }

  /** Shows whom the next send replies to, above the composer, with a way to cancel. */
  private replyTo(b: Bubble | null): void {
    this.replyingTo = b;
    this.replyBar.hidden = b === null;
    this.replyBar.replaceChildren(...(b === null ? [] : [
      quoteBlock(localQuote(b.senderId, b.body, b.contentType), this.client.me, false),
      h('button', { class: 'icon-button', type: 'button', 'aria-label': 'Cancel reply', title: 'Cancel reply', 'data-testid': 'cancel-reply', onclick: () => this.replyTo(null) }, icon(Icons.close)),
    ]));
    this.input.focus();
  }

  private async send(): Promise<void> {
    const body = this.input.value.trim();
    if (this.editing !== null) {
      const seq = this.editing;
      this.editing = null;
      delete this.input.dataset.editing;
      this.input.value = '';
      this.resizeInput();
      if (!body) return;
      try {
        await this.client.edit(this.conversationId, seq, body);
        this.composerError.textContent = '';
      } catch (error) {
        this.composerError.textContent = `Could not edit: ${(error as Error).message}`;
      }
      return;
    }
    if (!body) return;
    if (new TextEncoder().encode(body).length > MaxBodyBytes) {
      this.composerError.textContent = 'This message is too long (at most 16 KiB).';
      return;
    }
    this.composerError.textContent = '';
    this.input.value = '';
    this.resizeInput();
    this.forceBottom = true;
    const target = this.replyingTo;
    this.replyTo(null);
    await this.client.send(this.conversationId, body,
      target?.seq === undefined ? undefined : { replyTo: target.seq, quote: localQuote(target.senderId, target.body, target.contentType) });
    this.input.focus();
  }

  private resizeInput(): void {
    this.input.style.height = 'auto';
    this.input.style.height = `${Math.min(this.input.scrollHeight, 160)}px`;
    this.sendButton.disabled = this.input.value.trim() === '';
  }
}

function fromOutbox(o: OutboxItem, me: string): Bubble {
  return {
    seq: o.seq,
    senderId: me,
    clientMsgId: o.clientMsgId,
    body: o.body,
    sentAt: o.sentAt ?? new Date(o.createdAt).toISOString(),
    state: o.state,
    error: o.error,
    replyTo: o.extras?.replyTo,
    quote: o.extras?.quote,
    contentType: o.extras?.contentType,
    content: o.extras?.content,
  };
}

function outboxOrder(a: OutboxItem, b: OutboxItem): number {
  return (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER) || a.createdAt - b.createdAt;
}

/**
 * The control focused in a bubble about to be rebuilt, found again in the fresh one by what it is
 * (its test id, and its emoji for reactions): a keyboard user keeps their place when a tick arrives.
 */
function focusAgain(old: HTMLElement, fresh: HTMLElement): (() => void) | null {
  const focused = document.activeElement;
  if (!(focused instanceof HTMLElement) || focused === old || !old.contains(focused) || !focused.dataset.testid) return null;
  const emoji = focused.dataset.emoji;
  const selector = `[data-testid="${focused.dataset.testid}"]${emoji === undefined ? '' : `[data-emoji="${CSS.escape(emoji)}"]`}`;
  return () => {
    const again = fresh.querySelector(selector) as HTMLElement | null;
    if (!again) return;
    // A message's actions show on hover or while focus is within: shown for the focus to land.
    fresh.dataset.refocus = '';
    again.focus();
    delete fresh.dataset.refocus;
  };
}

/** A message's menu open when its bubble is rebuilt (a tick or a reaction arriving) stays open. */
function keepMenuOpen(old: HTMLElement | undefined, fresh: HTMLElement): HTMLElement {
  if (old?.querySelector('details.msg-menu[open]')) fresh.querySelector('details.msg-menu')?.setAttribute('open', '');
  return fresh;
}
