/**
 * Mounts the walkthrough on the terminal and resolves with the exit code once the user quits;
 * Ctrl-C and q are handled as keys (raw mode), SIGINT/SIGTERM from outside abort the pulls too.
 */
import { render } from 'ink';
import { signalExitCode } from '../errors.js';
import { App } from './app.js';
import { SessionController, type TuiServices } from './controller.js';

export interface RunTuiOptions {
  ref?: string;
  services: TuiServices;
  strict?: boolean;
  color: boolean;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
}

export async function runTui(o: RunTuiOptions): Promise<number> {
  const controller = new SessionController(o.services, !!o.strict);
  const out = o.stdout ?? process.stdout;
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
  }
  const farewell = controller.farewell();
  if (farewell) out.write(`${farewell}\n`);
  if (signalled) return signalExitCode(signalled);
  return controller.exitCode;
}
