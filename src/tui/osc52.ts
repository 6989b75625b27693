/**
 * The OSC 52 "set clipboard" sequence: the terminal (local, or at the far end of SSH) puts the text
 * on its clipboard. ESC ] 52 ; c ; base64 BEL. In tmux it needs `set -g set-clipboard on`.
 */
export function osc52(text: string): string {
  return `\u001b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\u0007`;
}
