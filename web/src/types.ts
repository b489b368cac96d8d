// The wire contract (docs/api.md) and what this device keeps of it in IndexedDB.

export interface Message {
  conversationId: string;
  seq: number;
  senderId: string;
  clientMsgId: string;
  sentAt: string;
  body: string;
  /** Recalled by its sender: a tombstone with an empty body. */
  recalled?: boolean;
  /** Hidden by this user ("delete for me", from another device): kept in the cache, not shown. */
  hidden?: boolean;
}

export interface MessagePreview {
  seq: number;
  senderId: string;
  sentAt: string;
  body: string;
}

export interface ConversationSummary {
  conversationId: string;
  title?: string | null;
  kind: string;
  fanout: string;
  lastSeq: number;
  readSeq: number;
  unread: number;
  lastMessage?: MessagePreview | null;
  /** Unread messages that mention the user. */
  mentions?: number;
  /** Everything up to this seq is cleared for the user. */
  clearedThrough?: number;
}

export interface ConversationView {
  conversationId: string;
  kind: string;
  title?: string | null;
  members: string[];
  fanout: string;
  lastSeq: number;
}

export interface SendReceipt {
  conversationId: string;
  seq: number;
  sentAt: string;
  duplicate: boolean;
}

export interface MessagePage {
  messages: Message[];
  hasMore: boolean;
}

/**
 * One entry of the user's sync timeline: `message`, `read`, `joined`, `left`, `recall`, `hidden`,
 * `cleared`, `mention` or `fanout` (docs/api.md). Other types are skipped.
 */
export interface SyncEvent {
  type: string;
  conversationId: string;
  seq: number;
  senderId?: string;
  clientMsgId?: string;
  sentAt?: string;
  body?: string;
  recalled?: boolean;
  mentions?: string[];
  fanout?: string;
}

export interface SyncPage {
  reset: boolean;
  events: SyncEvent[];
  cursor: string;
  hasMore: boolean;
  conversations?: ConversationSummary[] | null;
}

/** The hub's `events` push: apply only when this device's cursor is `prevCursor`. */
export interface PushBatch {
  events: SyncEvent[];
  prevCursor: string;
  cursor: string;
}

/**
 * A conversation as this device knows it. Besides the list row it records which messages are in
 * the local cache: every seq from `cacheFrom` to `cacheTo` (both 0 when none), with
 * `cacheStart` once `cacheFrom` is the conversation's first message.
 */
export interface ConversationRow {
  conversationId: string;
  title: string | null;
  kind: string;
  fanout: string;
  lastSeq: number;
  readSeq: number;
  lastMessage: MessagePreview | null;
  /** ISO time of the last message (or when this device learnt of the conversation), for ordering. */
  lastActivity: string;
  /** The other member of a direct conversation, when this device knows it. */
  peer: string | null;
  /** Unread messages that mention the user (seqs above `readSeq`). */
  mentionSeqs: number[];
  /** Messages up to this seq were cleared by the user: not shown, not paged in. */
  clearedThrough: number;
  cacheFrom: number;
  cacheTo: number;
  cacheStart: boolean;
}

export type OutboxState = 'pending' | 'acked' | 'failed';

/** A message this device is sending: kept until the sync timeline brings it back. */
export interface OutboxItem {
  clientMsgId: string;
  conversationId: string;
  body: string;
  createdAt: number;
  state: OutboxState;
  seq?: number;
  sentAt?: string;
  error?: string;
}
