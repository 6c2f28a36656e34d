// A Type=notify service: it sets up for a moment, says READY=1, updates STATUS= every second and
// keeps the watchdog (WatchdogSec=) fed.
import { notifyReady, notifyStatus, notifyStopping, startWatchdog } from '@unitkit/daemon';

let ticks = 0;
setTimeout(() => {
  notifyReady('ready, 0 ticks');
  startWatchdog();
  setInterval(() => notifyStatus(`${++ticks} ticks`), 1000);
}, 300);
process.on('SIGTERM', () => {
  notifyStopping();
  process.exit(0);
});
