import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type {
  ConversationRow,
  ConversationSummary,
  Message,
  MessagePage,
  MessagePreview,
  OutboxItem,
  SendReceipt,
  SyncEvent,
  SyncPage,
} from './types';

/**
 * This device's copy of the user's data, in IndexedDB (one database per user per browser
 * profile): the sync cursor, the conversation list, the cached messages and the outbox.
 *
 * A sync page and the cursor after it are written in one transaction that first checks the stored
 * cursor is the one the page was pulled from (compare-and-set), so two tabs of one browser share
 * the database without applying anything twice.
 */
interface Schema extends DBSchema {
  meta: { key: string; value: unknown };
  conversations: { key: string; value: ConversationRow };
  messages: { key: [string, number]; value: Message };
  outbox: { key: string; value: OutboxItem };
}

type Tx = IDBPTransaction<Schema, StoreNames<Schema>[], 'readwrite'>;

const AllStores: StoreNames<Schema>[] = ['meta', 'conversations', 'messages', 'outbox'];
const PreviewLength = 100;

/** What a write changed, for the in-memory model and the screen. */
export interface Change {
  rows: ConversationRow[];
  removed: string[];
  /** Conversations whose cached messages changed. */
  messages: Set<string>;
  /** Outbox items that came back through sync and were removed. */
  delivered: string[];
  /** Events named conversations this device did not know yet. */
  unknown: boolean;
}

const noChange = (): Change => ({ rows: [], removed: [], messages: new Set(), delivered: [], unknown: false });

export class LocalStore {
  private constructor(
    private readonly db: IDBPDatabase<Schema>,
    private readonly me: string,
  ) {}

  static async open(userId: string): Promise<LocalStore> {
    const db = await openDB<Schema>(`seqline:${userId}`, 1, {
      upgrade(db) {
        db.createObjectStore('meta');
        db.createObjectStore('conversations', { keyPath: 'conversationId' });
        db.createObjectStore('messages', { keyPath: ['conversationId', 'seq'] });
        db.createObjectStore('outbox', { keyPath: 'clientMsgId' });
      },
      blocking() {
        // A newer version of the app wants to upgrade: let it.
        db.close();
      },
    });
    return new LocalStore(db, userId);
  }

  static async erase(userId: string): Promise<void> {
    await new Promise<void>((resolve) => {
      const request = indexedDB.deleteDatabase(`seqline:${userId}`);
      request.onsuccess = request.onerror = request.onblocked = () => resolve();
    });
  }

  close(): void {
    this.db.close();
  }

  async load(): Promise<{ cursor: string | null; conversations: ConversationRow[]; outbox: OutboxItem[] }> {
    const tx = this.db.transaction(['meta', 'conversations', 'outbox'], 'readonly');
    const [cursor, conversations, outbox] = await Promise.all([
      tx.objectStore('meta').get('cursor'),
      tx.objectStore('conversations').getAll(),
      tx.objectStore('outbox').getAll(),
    ]);
    await tx.done;
    return { cursor: (cursor as string | undefined) ?? null, conversations: conversations.map(normalise), outbox };
  }

  async getMeta<T>(key: string): Promise<T | undefined> {
    return (await this.db.get('meta', key)) as T | undefined;
  }

  async setMeta(key: string, value: unknown): Promise<void> {
    await this.db.put('meta', value, key);
  }

  /**
   * Applies a sync page (or a push) pulled from `from` and moves the cursor to `page.cursor`,
   * unless the stored cursor is no longer `from` (another tab moved it): then `null`.
   */
  async applySync(from: string | null, page: Pick<SyncPage, 'reset' | 'events' | 'cursor' | 'conversations'>): Promise<Change | null> {
    const tx = this.db.transaction(AllStores, 'readwrite');
    const stored = ((await tx.objectStore('meta').get('cursor')) as string | undefined) ?? null;
    if (stored !== from) {
      await tx.done;
      return null;
    }
    const change = noChange();
    if (page.reset) await this.applyReset(tx, page.conversations ?? [], change);
    else await this.applyEvents(tx, page.events, change);
    await tx.objectStore('meta').put(page.cursor, 'cursor');
    await tx.done;
    return change;
  }

  /** Forgets the cursor, so that the next pull is a reset. */
  async dropCursor(): Promise<void> {
    await this.db.delete('meta', 'cursor');
  }

  /** Merges `GET /api/conversations` rows, which may be ahead of the cursor: only ever forward. */
  async mergeList(summaries: ConversationSummary[]): Promise<ConversationRow[]> {
    const tx = this.db.transaction('conversations', 'readwrite');
    const rows: ConversationRow[] = [];
    for (const s of summaries) {
      const row = normalise((await tx.store.get(s.conversationId)) ?? newRow(s.conversationId));
      mergeSummary(row, s);
      await tx.store.put(row);
      rows.push(row);
    }
    await tx.done;
    return rows;
  }

  /** Adds a conversation this device just created. */
  async addConversation(row: ConversationRow): Promise<ConversationRow> {
    const tx = this.db.transaction('conversations', 'readwrite');
    const existing = await tx.store.get(row.conversationId);
    const result = existing ?? row;
    if (existing) {
      existing.title = row.title;
      existing.kind = row.kind;
      existing.fanout = row.fanout;
    }
    await tx.store.put(result);
    await tx.done;
    return result;
  }

  /**
   * Adds a page of history to the cache if it joins the cached range: `before` is the seq the
   * page was asked below (`null`: the newest page). Returns the row, or `null` when the cache moved
   * meanwhile and the page was not used.
   */
  async mergeHistory(conversationId: string, before: number | null, page: MessagePage): Promise<ConversationRow | null> {
    const tx = this.db.transaction(['conversations', 'messages'], 'readwrite');
    const conversations = tx.objectStore('conversations');
    const messages = tx.objectStore('messages');
    const stored = await conversations.get(conversationId);
    if (!stored) {
      await tx.done;
      return null;
    }
    const row = normalise(stored);
    const list = page.messages;
    const first = list[0]?.seq;
    const last = list[list.length - 1]?.seq;
    let used = true;
    if (before !== null) {
      // Older history: only directly below what is cached.
      if (row.cacheFrom !== before) used = false;
      else if (first !== undefined) row.cacheFrom = first;
      if (used && (!page.hasMore || first === 1)) row.cacheStart = true;
    } else if (first === undefined || last === undefined) {
      if (row.cacheTo === 0) row.cacheStart = true; // no messages at all yet
    } else if (row.cacheTo !== 0 && last < row.cacheFrom - 1) {
      used = false; // older than the cache and not touching it
    } else if (row.cacheTo === 0 || first > row.cacheTo + 1) {
      // Nothing cached, or only an older range with a gap up to this page: start from the page.
      if (row.cacheTo !== 0) await messages.delete(range(conversationId));
      row.cacheFrom = first;
      row.cacheTo = last;
      row.cacheStart = !page.hasMore || first === 1;
    } else {
      // Overlaps or touches the cached range: the union is contiguous.
      if (first <= row.cacheFrom) row.cacheStart = row.cacheStart || !page.hasMore || first === 1;
      row.cacheFrom = Math.min(row.cacheFrom, first);
      row.cacheTo = Math.max(row.cacheTo, last);
    }
    if (used) {
      for (const m of list) await messages.put(m);
      const newest = list[list.length - 1];
      if (newest) noteMessage(row, newest, this.me);
      await conversations.put(row);
    }
    await tx.done;
    return used ? row : null;
  }

  /** Cached messages of a conversation with seq in [from, to], ascending. */
  async readMessages(conversationId: string, from: number, to: number): Promise<Message[]> {
    if (to < from) return [];
    return this.db.getAll('messages', IDBKeyRange.bound([conversationId, from], [conversationId, to]));
  }

  /** Moves the read position forward locally (the server's answer or a `read` event confirms it). */
  async setRead(conversationId: string, seq: number): Promise<ConversationRow | null> {
    const tx = this.db.transaction('conversations', 'readwrite');
    const row = await tx.store.get(conversationId);
    if (row && seq > row.readSeq) {
      readUpTo(normalise(row), seq);
      await tx.store.put(row);
    }
    await tx.done;
    return row ?? null;
  }

  async addOutbox(item: OutboxItem): Promise<void> {
    await this.db.put('outbox', item);
  }

  /** Updates an outbox item if it is still there (sync may have delivered and removed it). */
  async updateOutbox(clientMsgId: string, update: (item: OutboxItem) => void): Promise<OutboxItem | null> {
    const tx = this.db.transaction('outbox', 'readwrite');
    const item = await tx.store.get(clientMsgId);
    if (item) {
      update(item);
      await tx.store.put(item);
    }
    await tx.done;
    return item ?? null;
  }

  async ackOutbox(clientMsgId: string, receipt: SendReceipt): Promise<OutboxItem | null> {
    return this.updateOutbox(clientMsgId, (item) => {
      item.state = 'acked';
      item.seq = receipt.seq;
      item.sentAt = receipt.sentAt;
      delete item.error;
    });
  }

  async deleteOutbox(clientMsgId: string): Promise<void> {
    await this.db.delete('outbox', clientMsgId);
  }

  private async applyEvents(tx: Tx, events: SyncEvent[], change: Change): Promise<void> {
    const conversations = tx.objectStore('conversations');
    const messages = tx.objectStore('messages');
    const outbox = tx.objectStore('outbox');
    const rows = new Map<string, ConversationRow>();
    const removed = new Set<string>();
    const rowOf = async (id: string) => {
      let row = rows.get(id) ?? (await conversations.get(id));
      if (!row) {
        row = newRow(id);
        change.unknown = true;
      }
      rows.set(id, normalise(row));
      return row;
    };

    for (const e of events) {
      const id = e.conversationId;
      switch (e.type) {
        // Notices of role and title changes take seqs like messages, so they are cached with them.
        case 'message':
        case 'role':
        case 'title':
        case 'edited':
        case 'reaction': {
          const m = toMessage(e);
          if (!m) break;
          const row = await rowOf(id);
          // An edit or a reaction changes the message it names, if cached, and its preview.
          if (m.targetSeq !== undefined && m.seq > row.lastSeq) {
            const target = await messages.get([id, m.targetSeq]);
            if (target) {
              await messages.put(applyChange(target, m));
              change.messages.add(id);
            }
            if (m.type === 'edited' && row.lastMessage?.seq === m.targetSeq) row.lastMessage = { ...row.lastMessage, body: m.body.slice(0, PreviewLength) };
          }
          noteMessage(row, m, this.me);
          if (m.senderId !== this.me && (e.mentions?.includes(this.me) ?? false)) addMention(row, m.seq);
          if (m.senderId === this.me && !m.type && (await outbox.get(m.clientMsgId))) {
            await outbox.delete(m.clientMsgId);
            change.delivered.push(m.clientMsgId);
          }
          // The cache holds one contiguous range; a message past a gap starts a new one.
          if (row.cacheTo !== 0 && m.seq <= row.cacheTo) break;
          if (row.cacheTo === 0 || m.seq !== row.cacheTo + 1) {
            if (row.cacheTo !== 0) await messages.delete(range(id));
            row.cacheFrom = m.seq;
            row.cacheStart = m.seq === 1 || m.seq === row.clearedThrough + 1;
          }
          row.cacheTo = m.seq;
          await messages.put(m);
          change.messages.add(id);
          break;
        }
        case 'read':
          readUpTo(await rowOf(id), e.seq);
          break;
        case 'joined': {
          // A new membership (or one learnt late): its messages start at e.seq.
          const row = await rowOf(id);
          row.lastSeq = Math.max(row.lastSeq, e.seq - 1);
          if (e.fanout) row.fanout = e.fanout;
          removed.delete(id);
          break;
        }
        case 'fanout':
          if (e.fanout) (await rowOf(id)).fanout = e.fanout;
          break;
        case 'left':
          rows.delete(id);
          removed.add(id);
          await conversations.delete(id);
          await messages.delete(range(id));
          change.messages.add(id);
          break;
        case 'mention':
          addMention(await rowOf(id), e.seq);
          break;
        case 'muted':
        case 'unmuted':
          (await rowOf(id)).muted = e.type === 'muted';
          break;
        case 'recall': {
          const row = await rowOf(id);
          const m = await messages.get([id, e.seq]);
          if (m) {
            m.body = '';
            m.recalled = true;
            delete m.content;
            delete m.quote;
            await messages.put(m);
            change.messages.add(id);
          }
          // The server blanks the quotes of replies to it (docs/api.md); so does this device's cache,
          // whether or not it holds the original.
          let cursor = await messages.openCursor(IDBKeyRange.bound([id, e.seq], [id, Infinity], true));
          while (cursor) {
            const reply = cursor.value;
            if (reply.replyTo === e.seq && reply.quote && !reply.quote.recalled) {
              await cursor.update({ ...reply, quote: { senderId: reply.quote.senderId, snippet: '', recalled: true } });
              change.messages.add(id);
            }
            cursor = await cursor.continue();
          }
          if (row.lastMessage?.seq === e.seq) row.lastMessage = { ...row.lastMessage, body: '' };
          break;
        }
        case 'hidden': {
          const row = await rowOf(id);
          const m = await messages.get([id, e.seq]);
          if (m) {
            m.hidden = true;
            await messages.put(m);
            change.messages.add(id);
          }
          if (row.lastMessage?.seq === e.seq) row.lastMessage = null;
          break;
        }
        case 'cleared': {
          const row = await rowOf(id);
          clearThrough(row, e.seq);
          await messages.delete(IDBKeyRange.bound([id, -Infinity], [id, e.seq]));
          change.messages.add(id);
          break;
        }
        // Other event types are for newer clients: skipped, and the cursor moves past them.
      }
    }
    for (const row of rows.values()) await conversations.put(row);
    change.rows = [...rows.values()];
    change.removed = [...removed].filter((id) => !rows.has(id));
  }

  private async applyReset(tx: Tx, snapshot: ConversationSummary[], change: Change): Promise<void> {
    const conversations = tx.objectStore('conversations');
    const messages = tx.objectStore('messages');
    const keep = new Set(snapshot.map((s) => s.conversationId));
    for (const id of await conversations.getAllKeys()) {
      if (keep.has(id)) continue;
      await conversations.delete(id);
      await messages.delete(range(id));
      change.removed.push(id);
    }
    for (const s of snapshot) {
      const row = normalise((await conversations.get(s.conversationId)) ?? newRow(s.conversationId));
      // The snapshot is the truth at the new cursor: mentions and clearing as it says.
      row.mentionSeqs = [];
      mergeSummary(row, s);
      if (s.clearedThrough) {
        clearThrough(row, s.clearedThrough);
        await messages.delete(IDBKeyRange.bound([s.conversationId, -Infinity], [s.conversationId, s.clearedThrough]));
      }
      // Events before the new cursor will not come: keep the cache only if it reaches the head.
      if (row.cacheTo !== 0 && row.cacheTo !== s.lastSeq) {
        await messages.delete(range(s.conversationId));
        row.cacheFrom = row.cacheTo = 0;
        row.cacheStart = false;
        change.messages.add(s.conversationId);
      }
      await conversations.put(row);
      change.rows.push(row);
    }
  }
}

export function newRow(conversationId: string, at: string = new Date().toISOString()): ConversationRow {
  return {
    conversationId,
    title: null,
    kind: conversationId.startsWith('dm-') ? 'direct' : 'group',
    fanout: 'write',
    lastSeq: 0,
    readSeq: 0,
    lastMessage: null,
    lastActivity: at,
    peer: null,
    mentionSeqs: [],
    clearedThrough: 0,
    cacheFrom: 0,
    cacheTo: 0,
    cacheStart: false,
  };
}

function mergeSummary(row: ConversationRow, s: ConversationSummary): void {
  row.title = s.title ?? null;
  row.kind = s.kind;
  row.fanout = s.fanout;
  row.lastSeq = Math.max(row.lastSeq, s.lastSeq);
  readUpTo(row, s.readSeq);
  if (s.muted !== undefined) row.muted = s.muted;
  if (s.lastMessage && (!row.lastMessage || s.lastMessage.seq > row.lastMessage.seq)) {
    row.lastMessage = s.lastMessage;
    if (s.lastMessage.sentAt > row.lastActivity) row.lastActivity = s.lastMessage.sentAt;
  }
  // The list counts unread mentions without saying where they are: keep that many until read.
  for (let missing = (s.mentions ?? 0) - row.mentionSeqs.length; missing > 0; missing--) addMention(row, row.lastSeq);
}

/** Rows stored by an earlier version of the app lack the newer fields. */
function normalise(row: ConversationRow): ConversationRow {
  row.mentionSeqs ??= [];
  row.clearedThrough ??= 0;
  return row;
}

function readUpTo(row: ConversationRow, seq: number): void {
  row.readSeq = Math.max(row.readSeq, seq);
  row.mentionSeqs = row.mentionSeqs.filter((s) => s > row.readSeq);
}

function addMention(row: ConversationRow, seq: number): void {
  if (seq > row.readSeq) row.mentionSeqs.push(seq);
}

/** Everything up to `seq` is cleared: read, and no longer cached or paged in. */
function clearThrough(row: ConversationRow, seq: number): void {
  row.clearedThrough = Math.max(row.clearedThrough, seq);
  readUpTo(row, seq);
  if (row.lastMessage && row.lastMessage.seq <= row.clearedThrough) row.lastMessage = null;
  if (row.cacheTo !== 0 && row.cacheTo <= row.clearedThrough) {
    row.cacheFrom = row.cacheTo = 0;
    row.cacheStart = false;
  } else if (row.cacheTo !== 0 && row.cacheFrom <= row.clearedThrough) {
    row.cacheFrom = row.clearedThrough + 1;
    row.cacheStart = true;
  }
}

/**
 * The list row's view of a message: last seq, preview, own messages count as read. A notice is no
 * preview; a title notice renames the row.
 */
function noteMessage(row: ConversationRow, m: Message, me: string): void {
  if (m.type === 'title' && m.seq > row.lastSeq) row.title = m.title ?? null;
  // A change of an earlier message is no news: read along with it while nothing else is unread.
  if ((m.type === 'edited' || m.type === 'reaction') && row.readSeq >= row.lastSeq) row.readSeq = Math.max(row.readSeq, m.seq);
  row.lastSeq = Math.max(row.lastSeq, m.seq);
  if (m.type) {
    if (m.senderId === me && m.type !== 'edited' && m.type !== 'reaction') row.readSeq = Math.max(row.readSeq, m.seq);
    return;
  }
  if (!row.lastMessage || m.seq >= row.lastMessage.seq) {
    row.lastMessage = preview(m);
    if (m.sentAt > row.lastActivity) row.lastActivity = m.sentAt;
  }
  if (m.senderId === me) row.readSeq = Math.max(row.readSeq, m.seq);
  else if (row.kind === 'direct' && !row.peer) row.peer = m.senderId;
}

function preview(m: Message): MessagePreview {
  return { seq: m.seq, senderId: m.senderId, sentAt: m.sentAt, body: m.body.slice(0, PreviewLength) };
}

/** The message after an `edited` or `reaction` notice (docs/api.md); applying one twice changes nothing. */
export function applyChange(target: Message, change: Message): Message {
  if (target.recalled || target.type) return target;
  if (change.type === 'edited') return { ...target, body: change.body, editedAt: change.sentAt };
  if (change.type !== 'reaction' || !change.emoji) return target;
  const reactions = (target.reactions ?? []).map((r) => ({ ...r, users: [...r.users] }));
  let r = reactions.find((x) => x.emoji === change.emoji);
  if (!r) reactions.push((r = { emoji: change.emoji, count: 0, users: [] }));
  r.users = change.removed ? r.users.filter((u) => u !== change.senderId) : r.users.includes(change.senderId) ? r.users : [...r.users, change.senderId];
  r.count = r.users.length;
  const left = reactions.filter((x) => x.count > 0);
  return { ...target, reactions: left.length > 0 ? left : undefined };
}

function toMessage(e: SyncEvent): Message | null {
  if (e.type === 'role' || e.type === 'title' || e.type === 'edited' || e.type === 'reaction') {
    if (e.senderId === undefined || e.sentAt === undefined) return null;
    return {
      conversationId: e.conversationId, seq: e.seq, senderId: e.senderId, clientMsgId: '', sentAt: e.sentAt, body: e.body ?? '',
      type: e.type, userId: e.userId, role: e.role, title: e.title ?? null,
      targetSeq: e.targetSeq, emoji: e.emoji, removed: e.removed || undefined,
    };
  }
  if (e.senderId === undefined || e.clientMsgId === undefined || e.sentAt === undefined || e.body === undefined) return null;
  return {
    conversationId: e.conversationId,
    seq: e.seq,
    senderId: e.senderId,
    clientMsgId: e.clientMsgId,
    sentAt: e.sentAt,
    body: e.body,
    recalled: e.recalled || undefined,
    replyTo: e.replyTo,
    quote: e.quote,
    contentType: e.contentType,
    content: e.content,
    editedAt: e.editedAt,
    reactions: e.reactions,
  };
}

function range(conversationId: string): IDBKeyRange {
  return IDBKeyRange.bound([conversationId, -Infinity], [conversationId, Infinity]);
}
