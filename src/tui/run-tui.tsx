/**
 * Mounts the walkthrough on the terminal and resolves with the exit code once the user quits;
 * Ctrl-C and q are handled as keys (raw mode), SIGINT/SIGTERM from outside abort the pulls too.
 */
import { render } from 'ink';
import type { PullClient } from '../checks/facts.js';
import { signalExitCode } from '../errors.js';
import { App } from './app.js';
import { SessionController, type TuiServices } from './controller.js';

const BRACKETED_PASTE_ON = '\u001b[?2004h';
const BRACKETED_PASTE_OFF = '\u001b[?2004l';

export interface RunTuiOptions {
  ref?: string;
  /** `--client`; absent: the walkthrough asks */
  client?: PullClient;
  services: TuiServices;
  strict?: boolean;
  color: boolean;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
}

export async function runTui(o: RunTuiOptions): Promise<number> {
  const out = o.stdout ?? process.stdout;
  // `y` sends the OSC 52 copy sequence to this terminal (it reaches the user's terminal over SSH)
  const controller = new SessionController({ terminal: (seq) => void out.write(seq), ...o.services }, !!o.strict, o.client ?? null);
  // bracketed paste: the terminal marks a paste (ESC[200~ … ESC[201~) so its newline never runs a ref
  out.write(BRACKETED_PASTE_ON);
  const instance = render(<App controller={controller} color={o.color} />, {
    exitOnCtrlC: false,
    patchConsole: true,
    stdout: out,
    ...(o.stdin ? { stdin: o.stdin } : {}),
  });
  let signalled: NodeJS.Signals | null = null;
  const onSignal = (s: NodeJS.Signals) => {
    signalled = s;
    void controller.quit().then(() => instance.unmount());
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  void controller.start(o.ref);
  try {
    await instance.waitUntilExit();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await controller.quit();
    instance.cleanup();
    out.write(BRACKETED_PASTE_OFF);
  }
  const farewell = controller.farewell();
  if (farewell) out.write(`${farewell}\n`);
  if (signalled) return signalExitCode(signalled);
  return controller.exitCode;
}
