/**
 * containerd reads config.toml only when it starts, so a config file modified after the daemon's
 * start was not loaded. The start time comes from clock ticks (10 ms) and boot time, and tools write
 * the config and restart within milliseconds of each other: the file must be this much newer than
 * the start to count as changed after it.
 */
export const START_TIME_SLACK_MS = 100;
