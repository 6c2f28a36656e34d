/**
 * Test helpers: a manager on the fakes with the service plugin, and unit files written as text.
 */
import type { ContainerModule } from 'inversify';
import { createTestManager, type CreateFakesOptions, type TestManager } from '@unitkit/testing';
import type { Unit } from '@unitkit/core';
import { serviceModule } from '../service-module.js';
import type { ServiceData } from '../service-unit-type.js';

/** Microseconds per second. */
export const SEC = 1_000_000;

/** A test manager with the service plugin, and shortcuts. */
export interface ServiceTest extends TestManager {
  /** Defines `name` from the [Service] body (DefaultDependencies=no unless `unitBody` says otherwise). */
  service(name: string, serviceBody: string, unitBody?: string): void;
  /** The service's data. */
  data(name: string): ServiceData;
  /** The service unit. */
  svc(name: string): Unit<ServiceData>;
  /** A property of `show`, formatted. */
  prop(name: string, property: string): string | undefined;
}

/** Builds a fresh manager with the service plugin on the fakes. */
export function serviceTest(extra: ContainerModule[] = [], fakes: CreateFakesOptions = {}): ServiceTest {
  const t = createTestManager({ modules: [serviceModule, ...extra], fakes });
  const svc = (name: string) => t.unit(name) as unknown as Unit<ServiceData>;
  return Object.assign(t, {
    service(name: string, serviceBody: string, unitBody = 'DefaultDependencies=no') {
      t.units.file(name, `[Unit]\n${unitBody}\n[Service]\n${serviceBody}\n`);
    },
    svc,
    data: (name: string) => svc(name).data,
    prop(name: string, property: string) {
      const list = t.manager.properties(t.unit(name));
      const v = list.find(([n]) => n === property)?.[1];
      if (!v) return undefined;
      return formatValue(v);
    },
  });
}

import { formatPropertyValue, type PropertyValue } from '@unitkit/core';
function formatValue(v: PropertyValue): string {
  return formatPropertyValue(v);
}
