#!/usr/bin/env node
// A stand-in for `journalctl -u UNIT -o json --no-pager -q --since @S --until @E` on a machine
// without systemd: prints the entries of FAKE_JOURNAL (one `journalctl -o json` object per line)
// of that unit between the two times, as journalctl does. FAKE_JOURNAL_STDERR and
// FAKE_JOURNAL_EXIT imitate its failures. Every call is appended to FAKE_JOURNAL_CALLS.
import { appendFileSync, readFileSync } from 'node:fs';

const args = process.argv.slice(2);
if (process.env.FAKE_JOURNAL_CALLS) appendFileSync(process.env.FAKE_JOURNAL_CALLS, `${JSON.stringify(args)}\n`);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const epoch = (v) => (v && v.startsWith('@') ? Number(v.slice(1)) * 1e6 : undefined);
if (opt('-o') !== 'json') {
  process.stderr.write('fake journalctl: only -o json\n');
  process.exit(1);
}
if (process.env.FAKE_JOURNAL_STDERR) process.stderr.write(`${process.env.FAKE_JOURNAL_STDERR}\n`);
const unit = opt('-u');
const since = epoch(opt('--since')) ?? -Infinity;
const until = epoch(opt('--until')) ?? Infinity;
for (const line of (process.env.FAKE_JOURNAL ? readFileSync(process.env.FAKE_JOURNAL, 'utf8') : '').split('\n')) {
  if (!line) continue;
  const e = JSON.parse(line);
  const t = Number(e.__REALTIME_TIMESTAMP);
  if ((unit === undefined || e._SYSTEMD_UNIT === unit) && t >= since && t <= until) process.stdout.write(`${line}\n`);
}
process.exit(Number(process.env.FAKE_JOURNAL_EXIT ?? 0));
