import { expect } from 'chai';
import { parseCalendarSpec } from '@unitkit/unit-file';
import { cronSchedule } from './cron-schedule.js';

const env = { TZ: 'UTC' };
const cron = (text: string, zone = 'Europe/Berlin') => cronSchedule(parseCalendarSpec(text, { env }), zone);

describe('cronSchedule (OnCalendar= → a CronJob schedule)', () => {
  it('turns the shorthands into cron', () => {
    expect(cron('minutely')).to.deep.equal({ schedule: '* * * * *', timeZone: 'Europe/Berlin' });
    expect(cron('hourly')).to.deep.include({ schedule: '0 * * * *' });
    expect(cron('daily')).to.deep.include({ schedule: '0 0 * * *' });
    expect(cron('weekly')).to.deep.include({ schedule: '0 0 * * 1' });
    expect(cron('monthly')).to.deep.include({ schedule: '0 0 1 * *' });
  });

  it('maps weekdays (Monday = 1, Sunday = 0), ranges, lists and repetitions', () => {
    expect(cron('Mon..Fri 09:30')).to.deep.include({ schedule: '30 9 * * 1,2,3,4,5' });
    expect(cron('Sat,Sun 03:00')).to.deep.include({ schedule: '0 3 * * 0,6' });
    expect(cron('*:0/15')).to.deep.include({ schedule: '0-59/15 * * * *' });
    expect(cron('*-*-* 08..17:00')).to.deep.include({ schedule: '0 8-17 * * *' });
    expect(cron('*-1,7-15 12:00')).to.deep.include({ schedule: '0 12 15 1,7 *' });
  });

  it('takes the zone the event names, else the local one', () => {
    expect(cron('daily UTC')).to.deep.equal({ schedule: '0 0 * * *', timeZone: 'Etc/UTC' });
    expect(cron('Sun 03:00 America/New_York')).to.deep.equal({ schedule: '0 3 * * 0', timeZone: 'America/New_York' });
    expect(cron('daily', 'UTC')).to.deep.equal({ schedule: '0 0 * * *', timeZone: 'Etc/UTC' });
  });

  it('refuses what cron cannot say, with the reason', () => {
    expect(cron('*:*:30')).to.have.property('reason').that.matches(/seconds/);
    expect(cron('2030-*-* 00:00')).to.have.property('reason').that.matches(/years/);
    expect(cron('*-02~03')).to.have.property('reason').that.matches(/end of the month/);
    expect(cron('Mon *-*-01')).to.have.property('reason').that.matches(/both/);
  });
});
