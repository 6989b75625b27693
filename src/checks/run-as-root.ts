/** The fix "run it as root": the user's own command line again, with sudo (quoted for a shell). */
import { shellJoin } from '../shell-quote.js';
import type { Facts } from './facts.js';

export function sudoAgain(facts: Pick<Facts, 'command'>): string {
  return `sudo ${shellJoin(['mirror-doctor', ...(facts.command ?? ['check'])])}`;
}
