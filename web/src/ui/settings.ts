import { ApiError } from '../api';
import type { ChatClient } from '../client';
import type { UserSettings } from '../types';
import { avatar } from './avatar';
import { h } from './dom';

/**
 * The signed-in user's name in the sidebar, which opens their settings (docs/api.md, "Settings"):
 * whether others see them online and whether they share read receipts, worded as what the user
 * does, so each toggle is the server's setting inverted. The settings are read from the server
 * each time the menu opens (another device may have changed them) and each toggle saves at once;
 * a save that fails says why and puts the toggle back.
 */
export class SettingsMenu {
  readonly element: HTMLElement;
  private readonly button: HTMLButtonElement;
  private readonly menu = h('div', { class: 'pane-menu settings-menu', role: 'group', 'aria-label': 'Your settings', 'data-testid': 'settings-menu', hidden: true });
  private readonly error = h('p', { class: 'form-error settings-error', role: 'alert', 'data-testid': 'settings-error' });
  private readonly toggles: Record<keyof UserSettings, HTMLInputElement> = {
    hidePresence: toggle('setting-presence'),
    hideReadReceipts: toggle('setting-receipts'),
  };
  /** Which opening the settings being shown were read for: a late answer to an earlier one is dropped. */
  private opened = 0;
  private busy = false;
  private readonly onOutside = (e: MouseEvent) => {
    if (!this.element.contains(e.target as Node)) this.close();
  };
  // Escape closes the menu only, not the open conversation too (the screen's Escape, on window).
  private readonly onEscape = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return;
    e.stopPropagation();
    const inside = this.element.contains(document.activeElement);
    this.close();
    if (inside) this.button.focus();
  };

  constructor(private readonly client: ChatClient) {
    const me = client.me;
    this.button = h('button', {
      class: 'me-button', type: 'button', title: 'Your settings', 'aria-haspopup': 'true', 'aria-expanded': 'false', 'data-testid': 'settings-button',
      onclick: () => (this.menu.hidden ? void this.open() : this.close()),
    }, avatar(me, 'small'), h('span', { class: 'me-name', 'data-testid': 'me' }, me));
    this.menu.append(
      h('div', { class: 'settings-title' }, 'Your settings'),
      this.row(this.toggles.hidePresence, "Show when I'm online", 'Off: others see neither online nor when you were last seen.'),
      this.row(this.toggles.hideReadReceipts, 'Send read receipts', "Off: nobody sees when you have read their messages, and you don't see theirs."),
      this.error,
    );
    this.element = h('div', { class: 'me-anchor' }, this.button, this.menu);
    for (const key of Object.keys(this.toggles) as (keyof UserSettings)[]) {
      const input = this.toggles[key];
      // Busy toggles refuse clicks rather than being disabled, which would take the keyboard's focus away.
      input.addEventListener('click', (e) => this.busy && e.preventDefault());
      input.addEventListener('change', () => void this.save(key));
    }
  }

  destroy(): void {
    this.close();
  }

  private row(input: HTMLInputElement, label: string, hint: string): HTMLElement {
    return h('label', { class: 'menu-item setting' },
      h('span', { class: 'setting-text' }, h('span', null, label), h('small', { class: 'muted' }, hint)),
      input,
    );
  }

  private async open(): Promise<void> {
    const opening = ++this.opened;
    this.menu.hidden = false;
    this.button.setAttribute('aria-expanded', 'true');
    this.error.textContent = '';
    this.setBusy(true);
    // Unknown until the server answers: neither on nor off.
    for (const input of Object.values(this.toggles)) input.indeterminate = true;
    document.addEventListener('mousedown', this.onOutside);
    document.addEventListener('keydown', this.onEscape, true);
    try {
      const settings = await this.client.settings();
      if (opening === this.opened) this.show(settings);
    } catch (err) {
      if (opening === this.opened) this.error.textContent = `Could not load your settings: ${reason(err)}`;
      return;
    }
    if (opening === this.opened) this.setBusy(false);
  }

  private close(): void {
    this.opened++;
    this.menu.hidden = true;
    this.button.setAttribute('aria-expanded', 'false');
    document.removeEventListener('mousedown', this.onOutside);
    document.removeEventListener('keydown', this.onEscape, true);
  }

  /** Saves the toggle the user flipped; on failure it goes back to what the server has. */
  private async save(key: keyof UserSettings): Promise<void> {
    const input = this.toggles[key];
    const hide = !input.checked;
    this.error.textContent = '';
    this.setBusy(true);
    try {
      this.show(await this.client.changeSettings({ [key]: hide }));
    } catch (err) {
      input.checked = hide;
      this.error.textContent = `Not saved: ${reason(err)}`;
    } finally {
      this.setBusy(false);
    }
  }

  private show(settings: UserSettings): void {
    for (const input of Object.values(this.toggles)) input.indeterminate = false;
    this.toggles.hidePresence.checked = !settings.hidePresence;
    this.toggles.hideReadReceipts.checked = !settings.hideReadReceipts;
  }

  /** No toggle while a load or a save is under way: one change at a time, each from what the server has. */
  private setBusy(busy: boolean): void {
    this.busy = busy;
    this.menu.toggleAttribute('aria-busy', busy);
    for (const input of Object.values(this.toggles)) {
      if (busy) input.setAttribute('aria-disabled', 'true');
      else input.removeAttribute('aria-disabled');
    }
  }
}

function toggle(testid: string): HTMLInputElement {
  return h('input', { type: 'checkbox', role: 'switch', class: 'switch', 'data-testid': testid });
}

function reason(err: unknown): string {
  return err instanceof ApiError && err.status !== 0 ? err.message : 'cannot reach the server. Try again when online.';
}
