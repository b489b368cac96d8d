// The wire contract (docs/api.md) and what this device keeps of it in IndexedDB.

import type { ReceiptsNotice } from './receipts';

export interface Message extends MessageExtras {
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
  /**
   * A notice the group wrote itself, not a message: `role` (`senderId` gave `userId` the role
   * `role`) or `title` (`senderId` renamed the group to `title`). It takes a seq like a message.
   */
  type?: NoticeType;
  userId?: string;
  role?: Role;
  title?: string | null;
}

/** What a message (and its sync event) may carry besides its text: reply, typed content, edits and reactions. */
export interface MessageExtras {
  /** A reply: the seq it answers, and the quote the server stored of it then. */
  replyTo?: number;
  quote?: MessageQuote;
  /** Absent for text; `image`, `file` or an `x-` type with its JSON `content`. `body` is the fallback. */
  contentType?: string;
  content?: MessageContent;
  /** When its sender last edited it. */
  editedAt?: string;
  /** Its reactions, in the order first given. */
  reactions?: Reaction[];
  /** An `edited` or `reaction` notice: the message it changed (history's messages already show it). */
  targetSeq?: number;
  emoji?: string;
  removed?: boolean;
}

/** What a reply shows of the message it answers (docs/api.md). */
export interface MessageQuote {
  senderId: string;
  snippet: string;
  contentType?: string;
  recalled?: boolean;
}

/** An image's or a file's reference; other types carry objects of their own. */
export interface MessageContent {
  url?: string;
  size?: number;
  mediaType?: string;
  name?: string;
  width?: number;
  height?: number;
  [other: string]: unknown;
}

/** What a send may carry besides its body. */
export interface SendExtras {
  replyTo?: number;
  contentType?: string;
  content?: MessageContent;
}

/** One emoji's reactions to a message. */
export interface Reaction {
  emoji: string;
  count: number;
  users: string[];
}

/** `edited` and `reaction` change an earlier message: cached for a whole seq range, never shown, never unread. */
export type NoticeType = 'role' | 'title' | 'edited' | 'reaction';

/** A member's role in a group (docs/api.md); direct conversations have none. */
export type Role = 'owner' | 'admin' | 'member';

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
  /** The user muted the conversation: no offline pushes. */
  muted?: boolean;
}

export interface ConversationView {
  conversationId: string;
  kind: string;
  title?: string | null;
  members: string[];
  fanout: string;
  lastSeq: number;
  /** A group's owner; absent for a direct conversation. */
  owner?: string | null;
  /** A group's admins, the owner not among them. */
  admins?: string[];
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
 * `cleared`, `mention`, `fanout`, or the notices `role` and `title` (docs/api.md). Other types are skipped.
 */
export interface SyncEvent extends MessageExtras {
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
  userId?: string;
  role?: Role;
  title?: string | null;
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
  /** Receipts notices that rode on this push (docs/api.md, "Receipts"); valid whatever the cursor. */
  receipts?: ReceiptsNotice[];
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
  /** Muted by the user on any device (`muted` / `unmuted` events). */
  muted?: boolean;
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
  /** A reply's target and quote (shown while pending), or typed content. */
  extras?: SendExtras & { quote?: MessageQuote };
  createdAt: number;
  state: OutboxState;
  seq?: number;
  sentAt?: string;
  error?: string;
}

/** The user's own settings (`GET`/`PUT /api/me/settings`, docs/api.md "Settings"). */
export interface UserSettings {
  /** Others see neither online nor last seen. */
  hidePresence: boolean;
  /** Nobody sees the user's read position, and the user sees nobody's. */
  hideReadReceipts: boolean;
}
