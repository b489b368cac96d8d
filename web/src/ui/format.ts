import type { ConversationRow } from '../types';

const Palette = ['#6366f1', '#0ea5e9', '#10b981', '#f59e0b', '#ef4444', '#8b5cf6', '#ec4899', '#14b8a6', '#f97316', '#64748b'];

/** A valid user id (docs/api.md). */
export const IdPattern = /^[A-Za-z0-9._:@-]{1,128}$/;

/** User ids typed into a field, separated by commas or spaces, each once; `bad` is the first invalid one. */
export function userIds(text: string): { ids: string[]; bad: string | undefined } {
  const ids = [...new Set(text.split(/[\s,;]+/).filter(Boolean))];
  return { ids, bad: ids.find((id) => !IdPattern.test(id)) };
}

export function colorFor(text: string): string {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (hash * 31 + text.charCodeAt(i)) | 0;
  return Palette[Math.abs(hash) % Palette.length];
}

export function initials(name: string): string {
  const words = name.trim().split(/[\s._@-]+/).filter(Boolean);
  const letters = words.length > 1 ? words[0][0] + words[1][0] : (words[0] ?? '?').slice(0, 2);
  return letters.toUpperCase();
}

export function titleOf(row: ConversationRow): string {
  if (row.title) return row.title;
  if (row.kind === 'direct') return row.peer ?? 'Direct message';
  return 'Untitled group';
}

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const weekday = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
const date = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const longDate = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

export function clock(iso: string): string {
  return time.format(new Date(iso));
}

/** For the conversation list: the time today, the weekday this week, else the date. */
export function listTime(iso: string): string {
  const at = new Date(iso);
  const days = Math.round((startOfDay(new Date()) - startOfDay(at)) / 86_400_000);
  if (days <= 0) return time.format(at);
  if (days < 7) return weekday.format(at);
  return date.format(at);
}

export function dayLabel(iso: string): string {
  const at = new Date(iso);
  const days = Math.round((startOfDay(new Date()) - startOfDay(at)) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  return longDate.format(at);
}

export function dayKey(iso: string): string {
  const at = new Date(iso);
  return `${at.getFullYear()}-${at.getMonth() + 1}-${at.getDate()}`;
}

function startOfDay(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}
