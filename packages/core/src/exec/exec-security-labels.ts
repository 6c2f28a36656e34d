/**
 * SELinuxContext=, AppArmorProfile=, SmackProcessLabel= as the spawner applies them: each only
 * when its security module is active on the machine, as systemd skips them otherwise
 * (use_selinux(), mac_apparmor_use(), mac_smack_use()). Applying is a write to the process's
 * /proc attribute files right before the exec, which is what libselinux's setexeccon(),
 * libapparmor's aa_change_onexec() and systemd's smack code do; a failure ends the process with
 * the setting's exit status unless the label had the "-" prefix.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { SecurityLabelWrite } from '../ports/process-privileges.js';
import { ExecExitStatus } from '../ports/process-spawner.js';
import type { ExecMiscSettings } from './exec-misc-settings.js';

/** Which security modules are active; read once (they do not change while the manager runs). */
export interface ActiveSecurityModules {
  selinux: boolean;
  apparmor: boolean;
  smack: boolean;
}

let probed: ActiveSecurityModules | undefined;

/** The machine's active modules, from sysfs. */
export function activeSecurityModules(): ActiveSecurityModules {
  if (!probed) {
    let apparmor = false;
    try {
      apparmor = readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8').trim() === 'Y';
    } catch {
      // No AppArmor in this kernel.
    }
    probed = { selinux: existsSync('/sys/fs/selinux/enforce'), apparmor, smack: existsSync('/sys/fs/smackfs') };
  }
  return probed;
}

/** The attribute writes for the labels a unit sets, given the active modules. */
export function securityLabelWrites(s: ExecMiscSettings, active: ActiveSecurityModules = activeSecurityModules()): SecurityLabelWrite[] {
  const writes: SecurityLabelWrite[] = [];
  if (s.smackProcessLabel && active.smack) {
    writes.push({ path: '/proc/self/attr/current', text: s.smackProcessLabel.label, status: ExecExitStatus.SMACK_PROCESS_LABEL, ignoreErrors: s.smackProcessLabel.ignoreErrors });
  }
  if (s.selinuxContext && active.selinux) {
    writes.push({ path: '/proc/self/attr/exec', text: s.selinuxContext.label, status: ExecExitStatus.SELINUX_CONTEXT, ignoreErrors: s.selinuxContext.ignoreErrors });
  }
  if (s.appArmorProfile && active.apparmor) {
    // The module's own attribute directory where the kernel has one (5.8+), else the shared file.
    const path = existsSync('/proc/self/attr/apparmor/exec') ? '/proc/self/attr/apparmor/exec' : '/proc/self/attr/exec';
    writes.push({ path, text: `exec ${s.appArmorProfile.label}`, status: ExecExitStatus.APPARMOR_PROFILE, ignoreErrors: s.appArmorProfile.ignoreErrors });
  }
  return writes;
}
