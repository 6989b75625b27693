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

function useRows(stdout: NodeJS.WriteStream, columns: number): number {
  const [rows, setRows] = useState(() => stdout.rows || 24);
  useEffect(() => {
    const onResize = () => setRows(stdout.rows || 24);
    stdout.on('resize', onResize);
    return () => void stdout.off('resize', onResize);
  }, [stdout, columns]);
  return rows;
}

export function App({ controller, color, width }: AppProps) {
  const state = useSyncExternalStore(controller.subscribe, controller.getState);
  const { exit } = useApp();
  const { stdout } = useStdout();
  const columns = useColumns(stdout);
  const rows = useRows(stdout, columns);
  // what has to fit the screen (the findings' window) is laid out in the reducer: it learns the size
  useEffect(() => controller.dispatch({ type: 'screen-resized', columns: width ?? columns, rows }), [controller, width, columns, rows]);
  useInput((input, key) => controller.input(input, key, () => exit()));
  return <Screen state={state} width={width ?? columns} color={color} />;
}
