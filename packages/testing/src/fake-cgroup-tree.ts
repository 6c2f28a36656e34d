/**
 * A directory that stands in for a cgroup v2 subtree, for tests of code that writes cgroup files
 * (resource control, controller delegation) on machines where the real controllers are missing or
 * not delegated: `cgroup.controllers` lists the controllers given, `cgroup.subtree_control` starts
 * empty, and every write lands in a plain file the test reads back. The kernel's side (interface
 * files appearing, a controller refused for a cgroup with processes) is not imitated.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** See the file comment. */
export class FakeCgroupTree {
  /** The subtree's root directory (what a manager would use as its cgroup). */
  readonly root: string;

  constructor(controllers: readonly string[] = ['cpu', 'cpuset', 'io', 'memory', 'pids']) {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'unitkit-fake-cgroup-'));
    fs.writeFileSync(path.join(this.root, 'cgroup.controllers'), `${controllers.join(' ')}\n`);
    fs.writeFileSync(path.join(this.root, 'cgroup.subtree_control'), '');
  }

  /** The absolute path of `rel` below the root. */
  path(rel: string): string {
    return path.join(this.root, rel);
  }

  /** A file's content, or undefined when nothing wrote it. */
  read(rel: string): string | undefined {
    try {
      return fs.readFileSync(this.path(rel), 'utf8');
    } catch {
      return undefined;
    }
  }

  /** Removes the directory. */
  cleanup(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
