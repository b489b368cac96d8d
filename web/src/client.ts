import { HubConnection, HubConnectionBuilder, HubConnectionState, LogLevel } from '@microsoft/signalr';
import { Api, ApiError } from './api';
import { LocalStore, newRow, type Change } from './store';
import { TypingBoard, TypingEveryMs, type Presence, type TypingNotice } from './presence';
import { ReceiptBoard, type ReceiptsNotice } from './receipts';
import { DeliveryAcks } from './acks';
import type { ConversationRow, ConversationView, Message, OutboxItem, PushBatch, Role, SyncEvent, SyncPage, UserSettings } from './types';

/**
 * The device's sync engine. The cursor and everything it covers live in IndexedDB; the rules are
 * the protocol's (docs/web.md):
 *
 * - a push whose `prevCursor` is this device's cursor is applied, and the cursor moves to its `cursor`;
 * - any other push is ignored and the device pulls from its own cursor instead;
 * - every (re)connection starts with an empty push at the server's head, so a device that is
 *   behind notices and pulls;
 * - sends go through an outbox with a client message id and are retried with the same id, so a
 *   send whose answer was lost is never stored twice.
 */
export type ConnectionStatus = 'connecting' | 'online' | 'offline';

export interface Session {
  userId: string;
  token: string;
  /** Signed in with the node's development token endpoint, which can issue a fresh token. */
  dev: boolean;
}

export interface Changed {
  list?: boolean;
  /** Conversations whose cached messages changed. */
  messages?: Set<string>;
  outbox?: boolean;
  status?: boolean;
  /** Conversations whose typing indicators changed. */
  typing?: Set<string>;
  /** Conversations whose receipts (others' read and delivered positions) changed. */
  receipts?: Set<string>;
  /** Everything may have changed (another tab wrote, or a reload). */
  all?: boolean;
}

const PageSize = 200;
const SafetyPullMs = 30_000;

export class ChatClient {
  readonly conversations = new Map<string, ConversationRow>();
  readonly outbox = new Map<string, OutboxItem>();
  status: ConnectionStatus = 'connecting';
  readonly typing = new TypingBoard();
  readonly receipts = new ReceiptBoard();
  private readonly typingSent = new Map<string, number>();
  /**
   * Counters for the curious and for the end-to-end tests; `pushedMessages` and `pulledMessages`
   * count `message` events by the way they came in, `receiptsNotices` the conversations of receipts
   * pushes, `receiptsBatches` the pushes that carried several (`receiptsMany`) and `receiptsRiding`
   * the `events` pushes that carried some along.
   */
  readonly stats = {
    pulls: 0, resets: 0, pushesApplied: 0, pushesIgnored: 0, pushedMessages: 0, pulledMessages: 0, sends: 0, duplicates: 0, reconnects: 0, acknowledgementsOnSends: 0,
    receiptsNotices: 0, receiptsBatches: 0, receiptsRiding: 0,
  };

  private readonly api: Api;
  private readonly hub: HubConnection;
  private readonly listeners = new Set<(changed: Changed) => void>();
  private readonly channel: BroadcastChannel | null;
  private cursor: string | null = null;
  private queue: Promise<void> = Promise.resolve();
  private pullWanted = false;
  private pullFailures = 0;
  private pullTimer: number | undefined;
  private connectFailures = 0;
  private connectTimer: number | undefined;
  private flushing = false;
  private flushAgain = false;
  private sendFailures = 0;
  private sendTimer: number | undefined;
  private pendingReads = new Map<string, number>();
  private listRefresh: Promise<void> | null = null;
  private safetyTimer: number | undefined;
  private stopped = false;
  private readonly cleanups: (() => void)[] = [];
  private readonly acks = new DeliveryAcks((positions) => {
    if (this.hub.state === HubConnectionState.Connected) this.hub.send('DeliveredMany', positions).catch(() => undefined);
  });

  private constructor(
    readonly session: Session,
    private readonly store: LocalStore,
    private readonly signOut: () => void,
  ) {
    this.api = new Api(() => this.session.token, () => void this.renewToken());
    this.hub = new HubConnectionBuilder()
      .withUrl('/hubs/sync', { accessTokenFactory: () => this.session.token })
      .withAutomaticReconnect({
        nextRetryDelayInMilliseconds: (ctx) => (this.stopped || !navigator.onLine ? null : backoff(ctx.previousRetryCount)),
      })
      .configureLogging(LogLevel.None)
      .build();
    this.hub.on('events', (push: PushBatch) => {
      // A member's message ends their typing indicator at once.
      const stopped = push.events.filter((e) => e.type === 'message' && e.senderId && this.typing.sent(e.conversationId, e.senderId));
      if (stopped.length) this.emit({ typing: new Set(stopped.map((e) => e.conversationId)) });
      this.acknowledge(push);
      if (push.receipts?.length) {
        this.stats.receiptsRiding++;
        this.applyReceipts(push.receipts);
      }
      this.onPush(push);
    });
    this.hub.on('receipts', (notice: ReceiptsNotice) => this.applyReceipts([notice]));
    // The notices of several conversations the server had waiting for this user's pace, in one message.
    this.hub.on('receiptsMany', (notices: ReceiptsNotice[]) => {
      this.stats.receiptsBatches++;
      this.applyReceipts(notices);
    });
    this.hub.on('typing', (notice: TypingNotice) => {
      this.typing.seen(notice);
      this.emit({ typing: new Set([notice.conversationId]) });
    });
    this.hub.onreconnecting(() => this.setStatus('connecting'));
    this.hub.onreconnected(() => {
      this.stats.reconnects++;
      this.connected();
    });
    this.hub.onclose(() => {
      if (this.stopped) return;
      this.setStatus(navigator.onLine ? 'connecting' : 'offline');
      if (navigator.onLine) this.scheduleConnect();
    });
    this.channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(`seqline:${session.userId}`) : null;
    if (this.channel) this.channel.onmessage = () => this.enqueue(() => this.reload());
  }

  /** Opens this user's local data, shows it, then connects and catches up. */
  static async start(session: Session, signOut: () => void): Promise<ChatClient> {
    const store = await LocalStore.open(session.userId);
    const client = new ChatClient(session, store, signOut);
    await client.reload();
    client.pendingReads = new Map((await store.getMeta<[string, number][]>('pendingReads')) ?? []);
    client.listen();
    void client.connect();
    return client;
  }

  onChange(listener: (changed: Changed) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get me(): string {
    return this.session.userId;
  }

  /** The user types: tells the members online now, at most once per conversation every couple of seconds. */
  sendTyping(conversationId: string): void {
    const last = this.typingSent.get(conversationId) ?? 0;
    if (Date.now() - last < TypingEveryMs || this.hub.state !== HubConnectionState.Connected) return;
    this.typingSent.set(conversationId, Date.now());
    // Best effort: a lost notice only means no indicator for a moment.
    this.hub.invoke<boolean>('Typing', conversationId).catch(() => undefined);
  }

  private applyReceipts(notices: ReceiptsNotice[]): void {
    for (const notice of notices) this.receipts.apply(notice);
    this.stats.receiptsNotices += notices.length;
    this.emit({ receipts: new Set(notices.map((n) => n.conversationId)) });
  }

  /** Asks for the other members' positions (on opening a conversation, and again after a reconnect). */
  async loadReceipts(conversationId: string): Promise<void> {
    try {
      this.receipts.set(await this.api.receipts(conversationId));
      this.emit({ receipts: new Set([conversationId]) });
    } catch {
      // Ticks stay at "sent" until the next answer or push.
    }
  }

  /** Mutes or unmutes the conversation on all the user's devices (they get a muted or unmuted event). */
  async mute(conversationId: string, muted: boolean): Promise<void> {
    const [row] = await this.store.mergeList([await this.api.mute(conversationId, muted)]);
    if (row) this.conversations.set(conversationId, row);
    this.notifyTabs();
    this.emit({ list: true });
  }

  // Pushes are not acknowledged by the protocol: the device tells the server it has others'
  // messages, so their senders see them delivered (one hub message for all conversations, at most
  // one every 2 s, as the server's receipts move; a lost one only leaves a tick at "sent" until the next).
  private acknowledge(push: PushBatch): void {
    for (const e of push.events) if (e.type === 'message' && e.senderId !== this.me && e.fanout !== 'read') this.acks.note(e.conversationId, e.seq);
  }

  presenceOf(userId: string): Promise<Presence> {
    return this.api.presence(userId);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const cleanup of this.cleanups) cleanup();
    window.clearTimeout(this.pullTimer);
    window.clearTimeout(this.connectTimer);
    window.clearTimeout(this.sendTimer);
    window.clearInterval(this.safetyTimer);
    this.acks.stop();
    this.channel?.close();
    await this.hub.stop();
    this.store.close();
  }

  // ---- reading -------------------------------------------------------------------------------

  /** Cached messages of a conversation in [from, to]. */
  readMessages(conversationId: string, from: number, to: number): Promise<Message[]> {
    return this.store.readMessages(conversationId, from, to);
  }

  /**
   * Brings older history into the cache: the page below the cached range, or the newest page when
   * nothing is cached. False when there is nothing older.
   */
  async fetchOlder(conversationId: string, limit = 50): Promise<boolean> {
    const row = this.conversations.get(conversationId);
    if (!row || row.cacheStart) return false;
    const before = row.cacheTo === 0 ? null : row.cacheFrom;
    const page = await this.api.historyBefore(conversationId, before, limit);
    const updated = await this.store.mergeHistory(conversationId, before, page);
    if (updated) {
      this.conversations.set(conversationId, updated);
      this.notifyTabs();
      this.emit({ list: true, messages: new Set([conversationId]) });
    }
    return true;
  }

  getMeta<T>(key: string): Promise<T | undefined> {
    return this.store.getMeta<T>(key);
  }

  setMeta(key: string, value: unknown): Promise<void> {
    return this.store.setMeta(key, value);
  }

  // ---- writing -------------------------------------------------------------------------------

  /** Queues a message: it shows at once as pending, is acknowledged by the server, then synced. */
  async send(conversationId: string, body: string, extras?: OutboxItem['extras']): Promise<void> {
    const item: OutboxItem = { clientMsgId: newClientMsgId(), conversationId, body, extras, createdAt: Date.now(), state: 'pending' };
    await this.store.addOutbox(item);
    this.outbox.set(item.clientMsgId, item);
    this.notifyTabs();
    this.emit({ outbox: true });
    void this.flushOutbox();
  }

  async retry(clientMsgId: string): Promise<void> {
    const item = await this.store.updateOutbox(clientMsgId, (i) => {
      i.state = 'pending';
      delete i.error;
    });
    if (item) this.outbox.set(clientMsgId, item);
    this.emit({ outbox: true });
    void this.flushOutbox();
  }

  async discard(clientMsgId: string): Promise<void> {
    await this.store.deleteOutbox(clientMsgId);
    this.outbox.delete(clientMsgId);
    this.notifyTabs();
    this.emit({ outbox: true });
  }

  /** Moves the read position forward here at once, and on the server (hence other devices) when it can. */
  async markRead(conversationId: string, seq: number): Promise<void> {
    const row = this.conversations.get(conversationId);
    if (!row || seq <= row.readSeq) return;
    const updated = await this.store.setRead(conversationId, seq);
    if (updated) this.conversations.set(conversationId, updated);
    this.emit({ list: true });
    this.pendingReads.set(conversationId, Math.max(seq, this.pendingReads.get(conversationId) ?? 0));
    await this.store.setMeta('pendingReads', [...this.pendingReads]);
    this.notifyTabs();
    await this.flushReads();
  }

  async createGroup(title: string, members: string[]): Promise<ConversationRow> {
    const view = await this.api.createGroup(members, title);
    const row = newRow(view.conversationId);
    row.title = view.title ?? null;
    row.kind = view.kind;
    row.fanout = view.fanout;
    row.lastSeq = view.lastSeq;
    row.cacheStart = view.lastSeq === 0;
    const stored = await this.store.addConversation(row);
    this.conversations.set(stored.conversationId, stored);
    this.notifyTabs();
    this.emit({ list: true });
    return stored;
  }

  // ---- members and roles ---------------------------------------------------------------------
  // Straight to the server: the members see the outcome as role and title notices, by sync.

  /** A conversation's members, owner and admins, as the server has them now. */
  members(conversationId: string): Promise<ConversationView> {
    return this.api.conversation(conversationId);
  }

  changeMembers(conversationId: string, add: string[], remove: string[]): Promise<ConversationView> {
    return this.api.changeMembers(conversationId, add, remove);
  }

  setRole(conversationId: string, userId: string, role: Role): Promise<ConversationView> {
    return this.api.setRole(conversationId, userId, role);
  }

  setTitle(conversationId: string, title: string | null): Promise<ConversationView> {
    return this.api.setTitle(conversationId, title);
  }

  // Edits and reactions go straight to the server too: every device, this one included, applies them from their events.

  edit(conversationId: string, seq: number, body: string): Promise<Message> {
    return this.api.edit(conversationId, seq, body);
  }

  react(conversationId: string, seq: number, emoji: string, add: boolean): Promise<Message> {
    return this.api.react(conversationId, seq, emoji, add);
  }

  // ---- settings ------------------------------------------------------------------------------

  /** The user's own settings, as the server has them now. */
  settings(): Promise<UserSettings> {
    return this.api.settings();
  }

  /**
   * Changes the settings named. Receipts follow `hideReadReceipts` both ways (the user sees others'
   * read positions only while sharing their own), and the server tells no device of the user: the
   * reads held here go at once when hiding, and every conversation's receipts are asked for again.
   */
  async changeSettings(change: Partial<UserSettings>): Promise<UserSettings> {
    const settings = await this.api.changeSettings(change);
    if (change.hideReadReceipts !== undefined) {
      if (settings.hideReadReceipts) this.receipts.forgetReads();
      const known = this.receipts.known();
      this.emit({ receipts: new Set(known) });
      for (const id of known) void this.loadReceipts(id);
    }
    return settings;
  }

  // ---- sync ----------------------------------------------------------------------------------

  private onPush(push: PushBatch): void {
    this.enqueue(async () => {
      if (this.cursor !== null && push.prevCursor === this.cursor) {
        if (push.events.length > 0) {
          const change = await this.store.applySync(push.prevCursor, { reset: false, events: push.events, cursor: push.cursor });
          if (!change) return this.resync(); // another tab moved the shared cursor
          this.cursor = push.cursor;
          this.absorb(change);
        }
        this.stats.pushesApplied++;
        this.stats.pushedMessages += countMessages(push.events);
      } else {
        // Not from this device's cursor: something is missing or already here. Pull, once for
        // a burst of such pushes (they are all judged before the queued pull runs).
        this.stats.pushesIgnored++;
        this.requestPull();
      }
    });
  }

  /** Pulls from this device's cursor until the server has nothing more (soon, if already pulling). */
  requestPull(): void {
    this.pullWanted = true;
    this.enqueue(() => this.pull());
  }

  private async pull(): Promise<void> {
    if (!this.pullWanted || this.stopped) return;
    this.pullWanted = false;
    window.clearTimeout(this.pullTimer);
    try {
      for (let more = true; more; ) {
        const from = this.cursor;
        const page = await this.fetchSync(from);
        this.stats.pulls++;
        if (page.reset) this.stats.resets++;
        const change = await this.store.applySync(from, page);
        if (!change) return this.resync();
        this.cursor = page.cursor;
        this.absorb(change);
        this.stats.pulledMessages += countMessages(page.events);
        more = page.hasMore;
      }
      this.pullFailures = 0;
    } catch (e) {
      this.pullWanted = true;
      this.pullFailures++;
      if (e instanceof ApiError && (e.status === 400 || e.status === 403) && this.pullFailures <= 2) {
        // The server refuses this cursor (it does not belong to this inbox any more): start over.
        await this.store.dropCursor();
        this.cursor = null;
        this.enqueue(() => this.pull());
      } else if (navigator.onLine) {
        this.pullTimer = window.setTimeout(() => this.requestPull(), backoff(this.pullFailures));
      }
    }
  }

  private async resync(): Promise<void> {
    await this.reload();
    this.pullWanted = true;
    await this.pull();
  }

  private fetchSync(cursor: string | null): Promise<SyncPage> {
    if (this.hub.state === HubConnectionState.Connected) {
      return this.hub.invoke<SyncPage>('Sync', cursor, PageSize).catch((e: unknown) => Promise.reject(hubError(e)));
    }
    return this.api.sync(cursor, PageSize);
  }

  private absorb(change: Change): void {
    for (const id of change.removed) this.conversations.delete(id);
    for (const row of change.rows) this.conversations.set(row.conversationId, row);
    for (const id of change.delivered) this.outbox.delete(id);
    if (change.unknown) void this.refreshList();
    if (change.rows.length + change.removed.length + change.delivered.length + change.messages.size === 0) return;
    this.notifyTabs();
    this.emit({ list: true, messages: change.messages, outbox: change.delivered.length > 0 });
  }

  /** Replaces the in-memory model with what IndexedDB holds. */
  private async reload(): Promise<void> {
    const data = await this.store.load();
    this.cursor = data.cursor;
    this.conversations.clear();
    for (const row of data.conversations) this.conversations.set(row.conversationId, row);
    this.outbox.clear();
    for (const item of data.outbox) this.outbox.set(item.clientMsgId, item);
    this.emit({ all: true, list: true, outbox: true });
  }

  /** The conversation list, for titles and kinds of conversations no event has described. */
  refreshList(): Promise<void> {
    this.listRefresh ??= (async () => {
      try {
        const rows = await this.store.mergeList(await this.api.conversations());
        for (const row of rows) this.conversations.set(row.conversationId, row);
        this.notifyTabs();
        this.emit({ list: true });
      } catch {
        // offline: the next connection refreshes it
      } finally {
        this.listRefresh = null;
      }
    })();
    return this.listRefresh;
  }

  // ---- sending -------------------------------------------------------------------------------

  /** Sends pending messages one at a time, oldest first, so that a sender's order is kept. */
  private async flushOutbox(): Promise<void> {
    if (this.flushing) {
      this.flushAgain = true;
      return;
    }
    this.flushing = true;
    window.clearTimeout(this.sendTimer);
    try {
      do {
        this.flushAgain = false;
        for (;;) {
          const next = [...this.outbox.values()].filter((i) => i.state === 'pending').sort((a, b) => a.createdAt - b.createdAt)[0];
          if (!next || this.stopped) break;
          if (!(await this.sendOne(next))) return;
        }
      } while (this.flushAgain);
    } finally {
      this.flushing = false;
    }
  }

  /** False when sending must pause (no connection): the item stays pending with its id. */
  private async sendOne(item: OutboxItem): Promise<boolean> {
    // Acknowledgements waiting for their pace ride on the send; what the node skipped, or all of them
    // when the send failed, go back to wait for the hub.
    const riding = this.acks.take();
    try {
      const { receipt, skipped } = await this.api.send(item.conversationId, item.clientMsgId, item.body, item.extras, riding ?? undefined);
      if (riding) this.stats.acknowledgementsOnSends++;
      for (const p of riding ?? []) if (skipped.includes(p.conversationId)) this.acks.note(p.conversationId, p.seq);
      this.sendFailures = 0;
      this.stats.sends++;
      if (receipt.duplicate) this.stats.duplicates++;
      const acked = await this.store.ackOutbox(item.clientMsgId, receipt);
      if (acked) this.outbox.set(acked.clientMsgId, acked);
      else this.outbox.delete(item.clientMsgId); // already delivered by sync
      this.notifyTabs();
      this.emit({ outbox: true });
      return true;
    } catch (e) {
      for (const p of riding ?? []) this.acks.note(p.conversationId, p.seq);
      const error = e instanceof ApiError ? e : new ApiError(0, 'network', String(e));
      if (error.status === 429) {
        await sleep((error.retryAfterSeconds ?? 1) * 1000);
        return true;
      }
      if (error.transient) {
        this.sendFailures++;
        if (navigator.onLine) this.sendTimer = window.setTimeout(() => void this.flushOutbox(), backoff(this.sendFailures));
        return false;
      }
      const failed = await this.store.updateOutbox(item.clientMsgId, (i) => {
        i.state = 'failed';
        i.error = error.message;
      });
      if (failed) this.outbox.set(failed.clientMsgId, failed);
      this.emit({ outbox: true });
      return true;
    }
  }

  private async flushReads(): Promise<void> {
    for (const [conversationId, seq] of [...this.pendingReads]) {
      try {
        const summary = await this.api.markRead(conversationId, seq);
        if (this.pendingReads.get(conversationId) === seq) this.pendingReads.delete(conversationId);
        const row = await this.store.setRead(conversationId, summary.readSeq);
        if (row) this.conversations.set(conversationId, row);
      } catch (e) {
        if (e instanceof ApiError && e.transient) return; // retried on the next connection
        this.pendingReads.delete(conversationId);
      }
    }
    await this.store.setMeta('pendingReads', [...this.pendingReads]);
  }

  // ---- connection ----------------------------------------------------------------------------

  private listen(): void {
    const on = (target: EventTarget, name: string, handler: () => void) => {
      target.addEventListener(name, handler);
      this.cleanups.push(() => target.removeEventListener(name, handler));
    };
    // The browser's own word that the network is gone: the socket is as good as dead.
    on(window, 'offline', () => {
      this.setStatus('offline');
      void this.hub.stop();
    });
    on(window, 'online', () => {
      this.connectFailures = 0;
      void this.connect();
      this.requestPull();
      void this.flushOutbox();
    });
    on(document, 'visibilitychange', () => {
      if (document.visibilityState === 'visible' && navigator.onLine) this.requestPull();
    });
    // Pushes can be lost without the connection noticing; a pull now and then is always right.
    this.safetyTimer = window.setInterval(() => {
      if (this.hub.state === HubConnectionState.Connected) this.requestPull();
    }, SafetyPullMs);
  }

  private async connect(): Promise<void> {
    window.clearTimeout(this.connectTimer);
    if (this.stopped || this.hub.state !== HubConnectionState.Disconnected) return;
    if (!navigator.onLine) {
      this.setStatus('offline');
      return;
    }
    this.setStatus('connecting');
    try {
      await this.hub.start();
      this.connected();
    } catch {
      this.connectFailures++;
      if (!this.stopped) this.setStatus(navigator.onLine ? 'connecting' : 'offline');
      // Pull over HTTP meanwhile, in case only the socket is blocked.
      this.requestPull();
      this.scheduleConnect();
    }
  }

  private scheduleConnect(): void {
    window.clearTimeout(this.connectTimer);
    if (this.stopped || !navigator.onLine) return;
    this.connectTimer = window.setTimeout(() => void this.connect(), backoff(this.connectFailures));
  }

  /** Connected: the server's first push tells whether to pull; queued work goes out now. */
  private connected(): void {
    this.connectFailures = 0;
    this.setStatus('online');
    void this.flushOutbox();
    void this.flushReads();
    void this.refreshList();
    // Receipts pushed while disconnected are lost: ask again.
    for (const id of this.receipts.known()) void this.loadReceipts(id);
  }

  private async renewToken(): Promise<void> {
    if (!this.session.dev) return this.signOut();
    try {
      this.session.token = await Api.devToken(this.session.userId);
      localStorage.setItem('seqline.session', JSON.stringify(this.session));
    } catch {
      this.signOut();
    }
  }

  private setStatus(status: ConnectionStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.emit({ status: true });
  }

  private enqueue(work: () => Promise<void>): void {
    this.queue = this.queue.then(work).catch((e: unknown) => console.error('seqline sync', e));
  }

  private emit(changed: Changed): void {
    for (const listener of this.listeners) listener(changed);
  }

  private notifyTabs(): void {
    this.channel?.postMessage('changed');
  }
}

function backoff(failures: number): number {
  const base = Math.min(5_000, 500 * 2 ** Math.max(0, failures));
  return base / 2 + Math.random() * (base / 2);
}

function countMessages(events: SyncEvent[]): number {
  return events.filter((e) => e.type === 'message').length;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => window.setTimeout(resolve, ms));
}

/** 32 random hex digits: a valid clientMsgId, also outside secure contexts. */
function newClientMsgId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const HubCodes: Record<string, number> = { invalid: 400, forbidden: 403, not_found: 404, too_large: 413, rate_limited: 429, unavailable: 503 };

/** A hub refusal reads `… HubException: code: detail`; anything else is a lost connection. */
function hubError(e: unknown): ApiError {
  const text = e instanceof Error ? e.message : String(e);
  const match = /HubException: ([a-z_]+): ?(.*)$/s.exec(text);
  if (match && match[1] in HubCodes) return new ApiError(HubCodes[match[1]], match[1], match[2]);
  return new ApiError(0, 'network', text);
}
