/**
 * list-unit-files, list-timers, the environment verbs, edit and cat of drop-ins: their formats
 * (pure functions) and, end to end, a real unitkitd driven by unitkitctl processes. Expected
 * outputs are what systemctl 252 printed for the same unit files.
 */
import { expect } from 'chai';
import { execFile, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { shellQuotePosix } from './verbs/environment.js';
import { dropInTemplate, dropInFileName, trimEditMarkers } from './verbs/edit.js';
import { formatTimestamp } from '@unitkit/core';
import { formatListTimers, nextElapse } from './verbs/list-timers.js';
import { compareUnitFiles, formatListUnitFiles, splitTypeOption } from './verbs/list-unit-files.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const daemonJs = path.join(here, 'unitkitd.js');
const ctlBin = path.resolve(here, '../bin/unitkitctl.js');

describe('unitkitctl verb formats', () => {
  it('show-environment quotes values as shell_maybe_quote(…, SHELL_ESCAPE_POSIX)', () => {
    const cases: Array<[string, string]> = [
      ['plain/path:x', 'plain/path:x'],
      ['', ''],
      ['a b', "$'a b'"],
      ['a"b$c\\d`e', "$'a\"b$c\\\\d`e'"],
      ["it's", "$'it\\'s'"],
      ['tab\tx', "$'tab\\tx'"],
      ['nl\nx', "$'nl\\nx'"],
      ['a\u0001b', "$'a\\001b'"],
      ['#x', '#x'],
      ['~', '~'],
      ['a=b', 'a=b'],
      ['é', 'é'],
      ['OPENBLAS_*', "$'OPENBLAS_*'"],
    ];
    for (const [v, want] of cases) expect(shellQuotePosix(v), JSON.stringify(v)).to.equal(want);
  });

  it('list-unit-files: sorted by suffix then name, PRESET dash for static, footer, --no-legend', () => {
    const files = [
      { path: '/u/b.target', state: 'static' },
      { path: '/u/B.service', state: 'disabled', preset: 'enabled' },
      { path: '/u/a.socket', state: 'enabled', preset: 'disabled' },
      { path: '/u/a.service', state: 'masked', preset: 'enabled' },
    ].sort(compareUnitFiles);
    expect(formatListUnitFiles(files, true)).to.deep.equal([
      'UNIT FILE STATE    PRESET',
      'a.service masked   enabled',
      'B.service disabled enabled',
      'a.socket  enabled  disabled',
      'b.target  static   -',
      '',
      '4 unit files listed.',
    ]);
    expect(formatListUnitFiles([], true)).to.deep.equal(['UNIT FILE STATE PRESET', '', '0 unit files listed.']);
    expect(formatListUnitFiles([], false)).to.deep.equal([]);
    expect(splitTypeOption(['service', 'loaded'])).to.deep.equal({ types: ['service'], states: ['loaded'] });
    expect(splitTypeOption(['foo']).error).to.deep.equal(["Unknown unit type or load state 'foo'.", 'Use -t help to see a list of allowed values.']);
  });

  // Checked against systemctl 252 with two timers: every column left-aligned.
  it('list-timers: none, and timers from the properties systemd timers have', () => {
    const none = { timers: [] };
    const f = { all: false, states: [], patterns: [], legend: true };
    expect(formatListTimers(none, f, 0)).to.deep.equal(['NEXT LEFT LAST PASSED UNIT ACTIVATES', '', '0 timers listed.', 'Pass --all to see loaded but inactive timers, too.']);
    expect(formatListTimers(none, { ...f, all: true }, 0)).to.deep.equal(['NEXT LEFT LAST PASSED UNIT ACTIVATES', '', '0 timers listed.']);
    const s = 1_000_000;
    const now = Date.UTC(2026, 11, 1, 18, 48, 24) * 1000;
    const clocks = { realtime: now, monotonic: 1000 * s };
    const timer = (id: string, active: string, nextRealtime: number, nextMonotonic: number, last: number) => {
      const next = nextElapse({ nextRealtime, nextMonotonic }, clocks);
      return {
        id, load: 'loaded', active, sub: active === 'active' ? 'waiting' : 'dead', job: false, nextRealtime, nextMonotonic, last,
        next, nextText: formatTimestamp(next), lastText: formatTimestamp(last), triggers: [id.replace('.timer', '.service')],
      };
    };
    const reply = {
      timers: [
        timer('clean.timer', 'active', now + 86400 * s - 1, 0, now - 152_000),
        // Monotonic elapses are converted through the manager's clocks: 90 s from now.
        timer('boot.timer', 'active', 0, 1090 * s, 0),
        timer('idle.timer', 'inactive', 0, 0, 0),
      ],
    };
    expect(formatListTimers(reply, f, now)).to.deep.equal([
      'NEXT                        LEFT          LAST                        PASSED    UNIT        ACTIVATES',
      'Tue 2026-12-01 18:49:54 UTC 1min 30s left -                           -         boot.timer  boot.service',
      'Wed 2026-12-02 18:48:23 UTC 23h left      Tue 2026-12-01 18:48:23 UTC 152ms ago clean.timer clean.service',
      '',
      '2 timers listed.',
      'Pass --all to see loaded but inactive timers, too.',
    ]);
    expect(formatListTimers(reply, { ...f, all: true, legend: false }, now)).to.have.length(3);
    expect(formatListTimers(reply, { ...f, output: 'json' }, now)).to.deep.equal([
      `[{"next":${1090 * s - 1000 * s + now},"left":${1090 * s - 1000 * s + now},"last":0,"passed":0,"unit":"boot.timer","activates":"boot.service"},` +
        `{"next":${now + 86400 * s - 1},"left":${now + 86400 * s - 1},"last":${now - 152_000},"passed":${now - 152_000},"unit":"clean.timer","activates":"clean.service"}]`,
    ]);
  });

  it('edit: the drop-in template and what is kept of it', () => {
    const t = dropInTemplate('/c/a.service.d/override.conf', undefined, [
      { path: '/u/a.service', text: '[Unit]\nDescription=A\n' },
      { path: '/c/a.service.d/override.conf', text: 'skipped' },
      { path: '/u/a.service.d/10-x.conf', text: '[Unit]\nDescription=dropin\n' },
    ]);
    expect(t).to.equal(
      '### Editing /c/a.service.d/override.conf\n' +
        '### Anything between here and the comment below will become the new contents of the file\n\n\n\n' +
        '### Lines below this comment will be discarded\n\n' +
        '### /u/a.service\n# [Unit]\n# Description=A\n\n' +
        '### /u/a.service.d/10-x.conf\n# [Unit]\n# Description=dropin',
    );
    expect(trimEditMarkers(t)).to.equal('');
    expect(trimEditMarkers(t.replace('file\n\n', 'file\n\n[Service]\nEnvironment=X=1\n'))).to.equal('[Service]\nEnvironment=X=1\n');
    expect(trimEditMarkers('  no markers\n\n')).to.equal('no markers\n');
    expect(dropInTemplate('/o.conf', '[Service]\nX=1', [])).to.include('file\n\n[Service]\nX=1\n\n### Lines');
    expect([dropInFileName(undefined), dropInFileName('foo'), dropInFileName('10-x.conf')]).to.deep.equal(['override.conf', 'foo.conf', '10-x.conf']);
  });
});

interface Run {
  rc: number;
  out: string;
  err: string;
}

describe('unitkitctl verbs against a real unitkitd', function () {
  this.timeout(20000);
  let dir: string;
  let units: string;
  let config: string;
  let daemon: ReturnType<typeof spawn>;
  let daemonLog = '';
  let env: NodeJS.ProcessEnv;

  const ctl = (...args: string[]) => ctlEnv({}, ...args);
  const ctlEnv = (extra: NodeJS.ProcessEnv, ...args: string[]) =>
    new Promise<Run>((resolve) => {
      execFile(process.execPath, [ctlBin, '--no-pager', ...args], { env: { ...env, ...extra } }, (error, stdout, stderr) => {
        resolve({ rc: error ? ((error as { code?: number }).code ?? 1) : 0, out: stdout, err: stderr });
      });
    });
  const put = (name: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(units, name)), { recursive: true });
    fs.writeFileSync(path.join(units, name), text);
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unitkitctl-verbs-'));
    units = path.join(dir, 'units');
    config = path.join(dir, 'config');
    put('default.target', '[Unit]\nDescription=Top\n');
    put('echo.service', '[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nExecStart=/bin/sh -c \'echo "FOO=$FOO BAR=$BAR"\'\n[Install]\nWantedBy=default.target\n');
    put('plain.service', '[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sleep 1000\n');
    put('t@.service', '[Service]\nExecStart=/bin/true\n');
    put('t@x.service.d/10-inst.conf', '[Unit]\nDescription=inst\n');
    put('t@.service.d/20-tmpl.conf', '[Unit]\nDocumentation=man:t\n');
    put('t@x.service.d/45-empty.conf', '');
    put('service.d/50-type.conf', '\n[Unit]\n\nDescription=type-level\n\n');
    // Only the test's units: a unit path without the trailing ':' leaves the host's out.
    env = { ...process.env, UNITKIT_RUNTIME_DIR: path.join(dir, 'run'), UNITKIT_UNIT_PATH: `${path.join(config, 'systemd/user')}:${units}`, XDG_CONFIG_HOME: config, NO_COLOR: '1' };
    delete env.SYSTEMD_EDITOR;
    delete env.VISUAL;
    daemon = spawn(process.execPath, [daemonJs, '--user'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    daemon.stderr!.on('data', (d) => (daemonLog += d));
    const end = Date.now() + 10000;
    while ((await ctl('is-system-running')).rc !== 0) {
      if (Date.now() > end) throw new Error(`unitkitd did not come up:\n${daemonLog}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  after(async () => {
    if (daemon.exitCode === null) {
      const exited = new Promise((r) => daemon.on('exit', r));
      daemon.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('list-unit-files lists the unit path with states and presets; nothing matched exits 1', async () => {
    const r = await ctl('list-unit-files');
    expect(r.rc).to.equal(0);
    expect(r.out).to.equal(
      'UNIT FILE      STATE    PRESET\n' +
        'echo.service   disabled enabled\n' +
        'plain.service  static   -\n' +
        't@.service     static   -\n' +
        'default.target static   -\n\n' +
        '4 unit files listed.\n',
    );
    expect((await ctl('list-unit-files', '--state=disabled', '--no-legend')).out).to.equal('echo.service disabled enabled\n');
    expect(await ctl('list-unit-files', '--type=target', 'e*')).to.include({ rc: 1, out: 'UNIT FILE STATE PRESET\n\n0 unit files listed.\n' });
    expect(await ctl('list-unit-files', '--type=bogus')).to.include({ rc: 1, err: "Unknown unit type or load state 'bogus'.\nUse -t help to see a list of allowed values.\n" });
    expect(await ctl('list-unit-files', '-o', 'json', 'echo.*', 't@*')).to.include({
      rc: 0, out: '[{"unit_file":"echo.service","state":"disabled","preset":"enabled"},{"unit_file":"t@.service","state":"static","preset":null}]\n',
    });
  });

  it('list-timers with no timer units prints what systemctl prints for none', async () => {
    expect(await ctl('list-timers')).to.include({ rc: 0, out: 'NEXT LEFT LAST PASSED UNIT ACTIVATES\n\n0 timers listed.\nPass --all to see loaded but inactive timers, too.\n' });
  });

  it('set-environment reaches services started afterwards; unset-environment takes it back', async () => {
    expect(await ctl('set-environment', 'FOO=bar', 'BAR=a b')).to.include({ rc: 0, err: '' });
    const shown = (await ctl('show-environment')).out.split('\n');
    expect(shown).to.include.members(['FOO=bar', "BAR=$'a b'"]);
    expect(JSON.parse((await ctl('show-environment', '-o', 'json')).out)).to.include({ FOO: 'bar', BAR: 'a b' });
    expect((await ctl('start', 'echo.service')).rc).to.equal(0);
    expect((await ctl('logs', '-u', 'echo.service')).out).to.contain('FOO=bar BAR=a b');
    expect(await ctl('unset-environment', 'FOO', 'BAR=other')).to.include({ rc: 0 });
    const after = (await ctl('show-environment')).out.split('\n');
    expect(after).to.not.include('FOO=bar');
    expect(after).to.include("BAR=$'a b'");
  });

  it('refuses bad assignments with systemctl messages and exit codes; import-environment copies variables', async () => {
    for (const bad of ['FOO', '=x', 'A-B=1', '1A=2']) {
      expect(await ctl('set-environment', bad)).to.include({ rc: 1, err: 'Failed to set environment: Invalid environment assignments\n' });
    }
    expect(await ctl('set-environment', 'A=1', 'A=2')).to.include({ rc: 1 });
    expect(await ctl('set-environment')).to.include({ rc: 1, err: 'Too few arguments.\n' });
    expect(await ctl('unset-environment', 'A-B')).to.include({ rc: 1, err: 'Failed to set environment: Invalid environment variable names or assignments\n' });
    expect(await ctlEnv({ IMPORTED: 'yes' }, 'import-environment', 'IMPORTED', 'MISSING_VAR')).to.include({ rc: 0, err: 'Environment variable $MISSING_VAR not set, ignoring.\n' });
    expect((await ctl('show-environment')).out.split('\n')).to.include('IMPORTED=yes');
    expect(await ctl('import-environment', '1X')).to.include({ rc: 1, err: 'Not a valid environment variable name: 1X\n' });
  });

  it('cat prints the fragment, then every drop-in (instance, template, type-level) as systemctl 252 does', async () => {
    const r = await ctl('cat', 't@x.service');
    expect(r.rc).to.equal(0);
    expect(r.out).to.equal(
      `# ${units}/t@.service\n[Service]\nExecStart=/bin/true\n\n` +
        `# ${units}/t@x.service.d/10-inst.conf\n[Unit]\nDescription=inst\n\n` +
        `# ${units}/t@.service.d/20-tmpl.conf\n[Unit]\nDocumentation=man:t\n\n` +
        `# ${units}/t@x.service.d/45-empty.conf\n\n` +
        `# ${units}/service.d/50-type.conf\n\n[Unit]\n\nDescription=type-level\n\n`,
    );
  });

  it('edit needs a terminal, like systemctl', async () => {
    expect(await ctlEnv({ EDITOR: 'true' }, 'edit', 'plain.service')).to.include({ rc: 1, err: 'Cannot edit units if not on a tty.\n' });
    expect(await ctl('edit')).to.include({ rc: 1, err: 'Too few arguments.\n' });
  });

  describe('edit on a terminal', function () {
    let hasScript = true;
    before(function () {
      try {
        execFileSync('script', ['--version'], { stdio: 'ignore' });
      } catch {
        hasScript = false;
        console.log('    (skipped: util-linux script(1), which gives edit a terminal, is not installed)');
        this.skip();
      }
    });
    // Runs unitkitctl edit on a pseudo-terminal with EDITOR set; the editor's arguments are logged.
    const editOnTty = (editorBody: string, ...args: string[]) => {
      const editor = path.join(dir, 'editor.sh');
      fs.writeFileSync(editor, `#!/bin/sh\necho "$@" >> ${dir}/editor.log\n${editorBody}\n`, { mode: 0o755 });
      const cmd = [process.execPath, ctlBin, 'edit', ...args].map((a) => `'${a}'`).join(' ');
      return new Promise<Run>((resolve) => {
        execFile('script', ['-qec', cmd, '/dev/null'], { env: { ...env, EDITOR: editor } }, (error, stdout) => {
          resolve({ rc: error ? ((error as { code?: number }).code ?? 1) : 0, out: stdout.replace(/\r\n/g, '\n'), err: '' });
        });
      });
    };

    it('writes override.conf in the configuration directory through $EDITOR and reloads', async () => {
      expect(hasScript).to.equal(true);
      const r = await editOnTty('for f in "$@"; do grep -q "^### Editing" "$f" && sed -i "3a [Service]\\nEnvironment=EDITED=1" "$f"; done', 'plain');
      expect(r.rc, r.out).to.equal(0);
      const override = path.join(config, 'systemd/user/plain.service.d/override.conf');
      expect(fs.readFileSync(override, 'utf8')).to.equal('[Service]\nEnvironment=EDITED=1\n');
      expect(fs.readdirSync(path.dirname(override))).to.deep.equal(['override.conf']);
      expect((await ctl('show', 'plain.service', '-p', 'Environment', '--value')).out).to.equal('EDITED=1\n');
    });

    it('--drop-in names the file; an empty edit is canceled; a failing editor installs nothing', async () => {
      const keep = 'for f in "$@"; do sed -i "3a [Unit]\\nDescription=named" "$f"; done';
      expect((await editOnTty(keep, '--drop-in=named', 'echo.service')).rc).to.equal(0);
      expect(fs.readFileSync(path.join(config, 'systemd/user/echo.service.d/named.conf'), 'utf8')).to.equal('[Unit]\nDescription=named\n');
      const canceled = await editOnTty('true', 't@y.service');
      expect(canceled.out).to.contain(`Editing "${config}/systemd/user/t@y.service.d/override.conf" canceled: temporary file is empty.`);
      expect(fs.existsSync(path.join(config, 'systemd/user/t@y.service.d'))).to.equal(false);
      const failed = await editOnTty(`${keep}; exit 3`, 't@z.service');
      expect(failed.rc).to.equal(0);
      expect(failed.out).to.contain('(editor) failed with exit status 3.');
      expect(fs.existsSync(path.join(config, 'systemd/user/t@z.service.d'))).to.equal(false);
    });

    it('refuses a masked unit; cat says it is masked on stdout without failing', async () => {
      fs.symlinkSync('/dev/null', path.join(units, 'masked.service'));
      expect((await ctl('daemon-reload')).rc).to.equal(0);
      const r = await editOnTty('true', 'masked.service');
      expect(r.rc).to.equal(1);
      expect(r.out).to.equal('Cannot edit masked.service: unit is masked.\n');
      expect(await ctl('cat', 'masked.service')).to.include({ rc: 0, out: '# Unit masked.service is masked.\n', err: '' });
    });

    it('--full edits a copy of the unit file; a unit without files needs --force', async () => {
      expect((await editOnTty('for f in "$@"; do echo "Description=full" >> "$f"; done', '--full', 't@.service')).rc).to.equal(0);
      expect(fs.readFileSync(path.join(config, 'systemd/user/t@.service'), 'utf8')).to.equal('[Service]\nExecStart=/bin/true\nDescription=full\n');
      const missing = await editOnTty('true', 'nope');
      expect(missing.rc).to.equal(1);
      expect(missing.out).to.contain("No files found for nope.service.\nRun 'unitkitctl edit --user --force --full nope.service' to create a new unit.");
      expect((await editOnTty('printf "[Service]\\nExecStart=/bin/true\\n" > "$1"', '--force', '--full', 'new.service')).rc).to.equal(0);
      expect((await ctl('show', 'new.service', '-p', 'LoadState', '--value')).out).to.equal('loaded\n');
    });
  });
});
