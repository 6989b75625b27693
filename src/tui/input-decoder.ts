/**
 * Turns what Ink's useInput hands over into keys and pastes. Ink gives one call per chunk read from
 * the terminal, so a paste (with or without its trailing newline) or several Backspaces sent
 * together (key repeat, SSH latency) arrive as one multi-character string, and a bracketed paste
 * (ESC[200~ … ESC[201~) as its markers with the text between. Pure: the paste state is passed in
 * and returned.
 */
import type { KeyPress } from './key-press.js';

export type InputToken = { kind: 'key'; input: string; key: KeyPress } | { kind: 'paste'; text: string };

export interface InputDecoderState {
  /** inside a bracketed paste: the text so far */
  paste: string | null;
}

export const INITIAL_DECODER: InputDecoderState = { paste: null };

// Ink strips the ESC of a sequence it does not name: the paste markers arrive as "[200~" / "[201~"
const PASTE_START = /^\u001b?\[200~$/;
const PASTE_END = /^\u001b?\[201~$/;

/** One chunk from useInput → the tokens it stands for, and the decoder state after it. */
export function decodeInput(state: InputDecoderState, input: string, key: KeyPress): { state: InputDecoderState; tokens: InputToken[] } {
  if (PASTE_START.test(input)) return { state: { paste: '' }, tokens: [] };
  if (state.paste !== null) {
    if (PASTE_END.test(input)) return { state: INITIAL_DECODER, tokens: [{ kind: 'paste', text: state.paste }] };
    // inside a paste every chunk is text; Ink names a lone newline "return" and a lone tab "tab"
    const text = key.return ? '\n' : key.tab ? '\t' : input;
    return { state: { paste: state.paste + text }, tokens: [] };
  }
  if (input.length <= 1 || isNamedKey(key)) return { state, tokens: [{ kind: 'key', input, key }] };
  return { state, tokens: splitChunk(input) };
}

function isNamedKey(k: KeyPress): boolean {
  return !!(k.upArrow || k.downArrow || k.leftArrow || k.rightArrow || k.pageUp || k.pageDown || k.escape || k.ctrl);
}

const BACKSPACE = /^[\u0008\u007f]$/;

/**
 * A multi-character chunk that Ink did not name: runs of Backspace become one Backspace key each;
 * any other text is a paste (its line breaks included, so a copied line does not run on its own).
 */
function splitChunk(chunk: string): InputToken[] {
  const tokens: InputToken[] = [];
  let text = '';
  const flush = () => {
    if (text !== '') tokens.push({ kind: 'paste', text });
    text = '';
  };
  for (const ch of chunk) {
    if (BACKSPACE.test(ch)) {
      flush();
      tokens.push({ kind: 'key', input: '', key: { backspace: true } });
    } else text += ch;
  }
  flush();
  return tokens;
}

/**
 * The image reference in pasted text: its first non-empty line, trimmed, without control
 * characters or inner blanks (a ref has none; a copied `docker pull x` keeps only its last word).
 */
export function pastedRef(text: string): string {
  const line = text.split(/\r\n|\r|\n/).map((l) => l.trim()).find((l) => l !== '') ?? '';
  const words = line.replace(/[\u0000-\u001f\u007f]/g, '').split(/\s+/).filter(Boolean);
  return words.at(-1) ?? '';
}
