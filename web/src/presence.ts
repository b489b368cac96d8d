/**
 * Typing and presence: ephemeral, beside sync (docs/api.md, "Typing and presence"). Typing
 * notices come over the hub and go out by themselves when they expire; presence is asked for.
 */
export interface TypingNotice {
  conversationId: string;
  userId: string;
  expiresInMs: number;
}

export interface Presence {
  userId: string;
  online: boolean;
  lastSeen?: string;
  hidden: boolean;
}

/** Who types where, each until their last notice expires. */
export class TypingBoard {
  private readonly until = new Map<string, Map<string, number>>();

  seen(notice: TypingNotice): void {
    const users = this.until.get(notice.conversationId) ?? new Map<string, number>();
    users.set(notice.userId, Date.now() + notice.expiresInMs);
    this.until.set(notice.conversationId, users);
  }

  /** A message from the member ends their indicator at once. */
  sent(conversationId: string, userId: string): boolean {
    return this.until.get(conversationId)?.delete(userId) ?? false;
  }

  typingIn(conversationId: string): string[] {
    const users = this.until.get(conversationId);
    if (!users) return [];
    const now = Date.now();
    for (const [user, at] of users) if (at <= now) users.delete(user);
    return [...users.keys()].sort();
  }

  /** Milliseconds until the next indicator in the conversation expires, if any. */
  nextExpiry(conversationId: string): number | null {
    const times = [...(this.until.get(conversationId)?.values() ?? [])];
    return times.length ? Math.max(0, Math.min(...times) - Date.now()) : null;
  }
}

/** One typing notice per conversation this often at most, as the server forwards. */
export const TypingEveryMs = 2_000;

export function typingLine(users: string[]): string {
  if (users.length === 0) return '';
  if (users.length === 1) return `${users[0]} is typing…`;
  if (users.length === 2) return `${users[0]} and ${users[1]} are typing…`;
  return 'Several people are typing…';
}

export function presenceLine(p: Presence): string {
  if (p.online) return 'online';
  if (!p.lastSeen) return p.hidden ? '' : 'offline';
  return `last seen ${new Date(p.lastSeen).toLocaleString([], { dateStyle: 'short', timeStyle: 'short' })}`;
}
