/**
 * NUMAPolicy= and NUMAMask= of systemd.exec(5), and what CPUAffinity=numa takes from them: the
 * memory policy the spawner's child sets with set_mempolicy(2) (after CPUAffinity=, as systemd's
 * exec_child()), and the CPUs of the mask's nodes. The rules are systemd 252's, checked against
 * `systemd --user`: a mask without a policy means "preferred"; bind and interleave need nodes,
 * preferred at most one; an invalid combination fails the process with 242/NUMA_POLICY.
 */
import * as fs from 'node:fs';
import type { DirectiveSpec } from '@unitkit/unit-file';
import { ValueError } from '@unitkit/unit-file';
import { parseCpuAffinity } from './exec-privileges.js';

/** The kernel's MPOL_* numbers, by systemd's names. */
export const NUMA_POLICIES = { default: 0, preferred: 1, bind: 2, interleave: 3, local: 4 } as const;

/** A policy name of NUMAPolicy=. */
export type NumaPolicyName = keyof typeof NUMA_POLICIES;

/** NUMAPolicy= and NUMAMask= as set; both undefined when unset. */
export interface NumaSettings {
  policy?: NumaPolicyName;
  /** Node numbers, sorted; undefined when NUMAMask= is unset (an empty list is "set, no nodes"). */
  nodes?: number[];
}

/** NUMAPolicy=. */
export function parseNumaPolicy(value: string): NumaPolicyName {
  if (!Object.hasOwn(NUMA_POLICIES, value)) throw new ValueError(`Failed to parse NUMA policy, ignoring: ${value}`);
  return value as NumaPolicyName;
}

/** The machine's possible NUMA nodes (node 0 where the kernel has no NUMA support). */
export function possibleNumaNodes(): number[] {
  try {
    const text = fs.readFileSync('/sys/devices/system/node/possible', 'utf8').trim();
    const nodes = parseCpuAffinity(text.replace(/,/g, ' '));
    return Array.isArray(nodes) ? nodes : [0];
  } catch {
    return [0];
  }
}

/** NUMAMask=: node numbers and ranges like CPUAffinity=, or "all"; assignments are OR-ed, empty resets. */
export function parseNumaMask(value: string): number[] {
  if (value === 'all') return possibleNumaNodes();
  const nodes = parseCpuAffinity(value);
  if (nodes === 'numa') throw new ValueError(`Failed to parse NUMA node mask, ignoring: ${value}`);
  return nodes;
}

/** The directives, spread into the exec-context table. */
export function numaDirectives(): Record<string, DirectiveSpec> {
  return {
    NUMAPolicy: { kind: 'scalar', parse: parseNumaPolicy } as DirectiveSpec,
    NUMAMask: { kind: 'list', parse: (v: string) => [parseNumaMask(v)] } as unknown as DirectiveSpec,
  };
}

/** Reads the two settings of a section. */
export function readNuma(get: <T>(key: string) => T | undefined): NumaSettings {
  const masks = get<number[][]>('NUMAMask');
  const nodes = masks && masks.length > 0 ? [...new Set(masks.flat())].sort((a, b) => a - b) : undefined;
  return { policy: get<NumaPolicyName>('NUMAPolicy'), nodes };
}

/** The policy in effect (systemd's numa_policy_get_type()): a mask alone means preferred. */
export function effectiveNumaPolicy(n: NumaSettings): NumaPolicyName | undefined {
  return n.policy ?? (n.nodes !== undefined ? 'preferred' : undefined);
}

/** Whether the child can set it (systemd's numa_policy_is_valid()). */
export function numaPolicyIsValid(n: NumaSettings): boolean {
  const policy = effectiveNumaPolicy(n);
  if (policy === undefined) return true;
  const count = n.nodes?.length ?? 0;
  if (count === 0 && (policy === 'bind' || policy === 'interleave')) return false;
  return !(policy === 'preferred' && n.nodes !== undefined && count !== 1);
}

/** The CPUs of these nodes, from /sys (CPUAffinity=numa). */
export function cpusOfNumaNodes(nodes: readonly number[]): number[] {
  const cpus = new Set<number>();
  for (const node of nodes) {
    try {
      const list = parseCpuAffinity(fs.readFileSync(`/sys/devices/system/node/node${node}/cpulist`, 'utf8').trim().replace(/,/g, ' '));
      if (Array.isArray(list)) for (const c of list) cpus.add(c);
    } catch {
      // A node without CPUs or without sysfs: it adds none.
    }
  }
  return [...cpus].sort((a, b) => a - b);
}
