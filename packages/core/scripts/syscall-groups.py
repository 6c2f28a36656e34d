#!/usr/bin/env python3
"""Writes src/exec/syscall-groups.ts from `systemd-analyze syscall-filter` of systemd 252.

The group lists are source data: systemd 252's table (src/shared/seccomp-util.c) is the spec
unitkit follows, so they are pinned in the repository instead of being read from whatever systemd
the build machine has (or lacks: unitkit runs where systemd does not). Run this on a machine with
systemd 252 to refresh them; syscall-groups.spec.ts compares the file with systemd-analyze there.
"""
import ctypes, ctypes.util, json, os, subprocess, sys

out = subprocess.run(['systemd-analyze', 'syscall-filter', '--no-pager'], check=True, capture_output=True, text=True).stdout
version = subprocess.run(['systemctl', '--version'], check=True, capture_output=True, text=True).stdout.split()[1]
if version != '252':
    sys.exit(f'systemd {version} here; the groups must come from systemd 252')
groups, current = {}, None
for line in out.splitlines():
    if line.startswith('@'):
        current = line.strip()
        groups[current] = {'description': '', 'members': []}
    elif current and line.startswith('    # '):
        groups[current]['description'] = line.strip()[2:]
    elif current and line.startswith('    ') and line.strip():
        groups[current]['members'].append(line.strip())
    elif not line.strip():
        current = None
# systemd resolves every name through libseccomp and skips those it does not know; record which
# names of the groups Debian 12's libseccomp (the oracle's) cannot resolve.
lib = ctypes.CDLL(ctypes.util.find_library('seccomp') or 'libseccomp.so.2')
lib.seccomp_syscall_resolve_name.restype = ctypes.c_int
lib.seccomp_version.restype = ctypes.POINTER(ctypes.c_uint * 3)
ver = '.'.join(str(x) for x in lib.seccomp_version().contents)
names = sorted({m for g in groups.values() for m in g['members'] if not m.startswith('@')})
unknown = [n for n in names if lib.seccomp_syscall_resolve_name(n.encode()) == -1]
path = os.path.join(os.path.dirname(__file__), '..', 'src', 'exec', 'syscall-groups.ts')
with open(path, 'w') as f:
    f.write('/**\n * systemd 252\'s system call groups (SystemCallFilter=@name), as `systemd-analyze syscall-filter`\n'
            ' * prints them: source data written by scripts/syscall-groups.py, not edited by hand. A member\n'
            ' * starting with "@" is another group. @known lists every system call name systemd knows.\n */\n')
    f.write('/** One group: its description and members in systemd\'s order. */\n')
    f.write('export interface SyscallGroup {\n  description: string;\n  members: readonly string[];\n}\n\n')
    f.write('/** The groups by name ("@system-service"). */\n')
    f.write('export const SYSCALL_GROUPS: Readonly<Record<string, SyscallGroup>> = ')
    f.write(json.dumps(groups, indent=2).replace('"description"', 'description').replace('"members"', 'members'))
    f.write(';\n\n')
    f.write(f'/** Names of the groups libseccomp {ver} cannot resolve: systemd skips them, in lists and in show. */\n')
    f.write('export const SECCOMP_UNKNOWN_SYSCALLS: readonly string[] = ')
    f.write(json.dumps(unknown))
    f.write(';\n')
print(f'{len(groups)} groups written to {os.path.normpath(path)}')
