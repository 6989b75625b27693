/** The walkthrough: renders the controller's state and turns keys into its commands. */
import { useInput, useApp, useStdout } from 'ink';
import { useSyncExternalStore } from 'react';
import { keyAction } from './keymap.js';
import type { SessionController } from './controller.js';
import { Screen } from './screen.js';

export interface AppProps {
  controller: SessionController;
  color: boolean;
  /** fixed width (tests); default: the terminal's columns */
  width?: number;
}

export function App({ controller, color, width }: AppProps) {
  const state = useSyncExternalStore(controller.subscribe, controller.getState);
  const { exit } = useApp();
  const { stdout } = useStdout();
  useInput((input, key) => {
    const a = keyAction(controller.getState(), input, key);
    switch (a.kind) {
      case 'event':
        controller.dispatch(a.event);
        break;
      case 'choose':
        void controller.choose(a.ref);
        break;
      case 'rerun':
        void controller.rerun();
        break;
      case 'save':
        void controller.save();
        break;
      case 'copy':
        void controller.copy();
        break;
      case 'quit':
        void controller.quit().then(() => exit());
        break;
      case 'none':
        break;
    }
  });
  const columns = width ?? Math.max(40, Math.min(stdout.columns || 80, 120));
  return <Screen state={state} width={columns} color={color} />;
}
