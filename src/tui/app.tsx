/** The walkthrough: renders the controller's state and hands terminal input to the controller. */
import { useInput, useApp, useStdout } from 'ink';
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { SessionController } from './controller.js';
import { Screen } from './screen.js';

export interface AppProps {
  controller: SessionController;
  color: boolean;
  /** fixed width (tests); default: the terminal's columns */
  width?: number;
}

/** The columns to lay out in: the terminal's, followed at once when it is resized. */
export function layoutColumns(columns: number | undefined): number {
  return Math.max(40, Math.min(columns || 80, 120));
}

function useColumns(stdout: NodeJS.WriteStream): number {
  const [columns, setColumns] = useState(() => layoutColumns(stdout.columns));
  useEffect(() => {
    const onResize = () => setColumns(layoutColumns(stdout.columns));
    stdout.on('resize', onResize);
    return () => void stdout.off('resize', onResize);
  }, [stdout]);
  return columns;
}

export function App({ controller, color, width }: AppProps) {
  const state = useSyncExternalStore(controller.subscribe, controller.getState);
  const { exit } = useApp();
  const { stdout } = useStdout();
  const columns = useColumns(stdout);
  useInput((input, key) => controller.input(input, key, () => exit()));
  return <Screen state={state} width={width ?? columns} color={color} />;
}
