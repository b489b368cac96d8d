/**
 * Receipts others see (docs/api.md, "Receipts"): each other member's read and delivered positions
 * per conversation, asked for when a conversation opens and moved on by the hub's `receipts` and
 * `receiptsMany` pushes. Who has read seq N is every member whose read position is at least N; a
 * member who sent a message later than N has read it too.
 */
export interface MemberReceipt {
  userId: string;
  /** Absent when the member does not share it, or this user does not. */
  read?: number | null;
  delivered: number;
}

export interface ReceiptsView {
  conversationId: string;
  available: boolean;
  members: MemberReceipt[];
  reason?: string;
}

export interface ReceiptsNotice {
  conversationId: string;
  members: MemberReceipt[];
}

export type Tick = 'sent' | 'delivered' | 'read';

interface Positions {
  read: number | null;
  delivered: number;
}

export class ReceiptBoard {
  private readonly views = new Map<string, { available: boolean; members: Map<string, Positions> }>();

  /** Conversations whose receipts this device holds (asked again after a reconnect). */
  known(): string[] {
    return [...this.views.keys()];
  }

  set(view: ReceiptsView): void {
    const members = new Map<string, Positions>();
    for (const m of view.members) members.set(m.userId, { read: m.read ?? null, delivered: m.delivered });
    this.views.set(view.conversationId, { available: view.available, members });
  }

  /**
   * Forgets every read position held: a user who stops sharing theirs sees nobody's, and what was
   * shown before must not linger until the server's answer replaces it.
   */
  forgetReads(): void {
    for (const view of this.views.values()) for (const p of view.members.values()) p.read = null;
  }

  /** Newer positions from a push; only forward (a push may overtake the answer to a query). */
  apply(notice: ReceiptsNotice): void {
    const view = this.views.get(notice.conversationId);
    if (!view) return; // not asked for yet: the query on opening brings the newest anyway
    for (const m of notice.members) {
      const was = view.members.get(m.userId);
      const read = m.read === undefined || m.read === null ? null : Math.max(m.read, was?.read ?? 0);
      view.members.set(m.userId, { read, delivered: Math.max(m.delivered, was?.delivered ?? 0) });
    }
  }

  /**
   * A message's tick: read once every other member has read it, delivered once a device of every
   * other member has it, else sent. `lastSent` is each member's newest message seen here.
   */
  tick(conversationId: string, seq: number, lastSent: Map<string, number>): Tick {
    const view = this.views.get(conversationId);
    if (!view?.available || view.members.size === 0) return 'sent';
    const all = [...view.members];
    if (all.every(([id, p]) => readOf(p, lastSent.get(id)) >= seq)) return 'read';
    return all.every(([id, p]) => Math.max(p.delivered, lastSent.get(id) ?? 0) >= seq) ? 'delivered' : 'sent';
  }

  /** The other members who have read `seq`, by name. */
  readBy(conversationId: string, seq: number, lastSent: Map<string, number>): string[] {
    const view = this.views.get(conversationId);
    if (!view?.available) return [];
    return [...view.members].filter(([id, p]) => readOf(p, lastSent.get(id)) >= seq).map(([id]) => id).sort();
  }
}

// A hidden read position stays hidden: a member's own later message does not reveal it here either.
function readOf(p: Positions, lastSent: number | undefined): number {
  return p.read === null ? -1 : Math.max(p.read, lastSent ?? 0);
}
