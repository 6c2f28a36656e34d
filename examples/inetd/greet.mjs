// An inetd-style service: one instance per connection (Accept=yes), the connection on stdin and
// stdout (StandardInput=socket). Reads one line, answers with who is asking.
import * as readline from 'node:readline';

const rl = readline.createInterface({ input: process.stdin });
rl.once('line', (line) => {
  process.stdout.write(`hello ${line.trim() || 'stranger'}, from ${process.env.REMOTE_ADDR}:${process.env.REMOTE_PORT}\n`, () => process.exit(0));
});
rl.once('close', () => process.exit(0));
