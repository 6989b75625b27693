/**
 * The semantic theme of the walkthrough (gemini-cli style): one glyph and one colour per status,
 * and colour switched off as a whole for NO_COLOR or a terminal without colour.
 */
import type { ItemStatus } from '../session/session-state.js';

export const GLYPHS: Record<ItemStatus, string> = { ok: '✓', error: '✗', warning: '!', info: 'i', running: '•' };

export const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'] as const;

export interface Theme {
  color: boolean;
  status: Record<ItemStatus, string>;
  accent: string;
  dim: boolean;
}

export function makeTheme(color: boolean): Theme {
  return { color, status: { ok: 'green', error: 'red', warning: 'yellow', info: 'cyan', running: 'blue' }, accent: 'magenta', dim: color };
}

/** `color` for an Ink `<Text>`, or nothing when colour is off. */
export function tint(theme: Theme, c: string): { color?: string } {
  return theme.color ? { color: c } : {};
}

export function spinnerFrame(now: number): string {
  return SPINNER[Math.floor(now / 120) % SPINNER.length]!;
}
