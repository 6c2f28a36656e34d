/**
 * The directive tables an export parses unit files with: the same ones unitkitd's plugins
 * contribute, so every value is read exactly as the manager in the pod will read it.
 */
import type { DirectiveTable } from '@unitkit/unit-file';
import { installSectionTable, unitSectionTable } from '@unitkit/unit-file';
import { serviceSectionTable } from '@unitkit/plugin-service';
import { socketSectionTable } from '@unitkit/plugin-socket';
import { timerSectionTable } from '@unitkit/plugin-timer';
import { pathSectionTable } from '@unitkit/plugin-path';
import { killDirectiveTables } from '@unitkit/plugin-kill-cgroup';

/** [Unit], [Install], [Service], [Socket], [Timer], [Path] and the kill settings of each. */
export function exportDirectiveTables(): DirectiveTable[] {
  return [unitSectionTable, installSectionTable, serviceSectionTable(), socketSectionTable, timerSectionTable, pathSectionTable, ...killDirectiveTables];
}
