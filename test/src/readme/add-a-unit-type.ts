/**
 * The README's "Adding a unit type" example, exactly as printed there (readme-examples.spec.ts
 * checks that the two agree and runs this file).
 */
// README:begin
import { ContainerModule, injectable } from 'inversify';
import type { DirectiveTable, Unit, UnitActionResult, UnitDefinition, UnitType } from '@unitkit/core';
import { DirectiveTableContribution, UnitTypeContribution } from '@unitkit/core';
import { stringDirective } from '@unitkit/unit-file';
import { createTestManager } from '@unitkit/testing';

/** A widget is "on" or "off" and says so; its [Widget] section has one setting, Greeting=. */
interface WidgetData {
  state: 'off' | 'on';
  greeting: string;
}

@injectable()
class WidgetUnitType implements UnitType<WidgetData> {
  readonly suffix = 'widget';
  readonly sections = ['Widget'];

  init(): WidgetData {
    return { state: 'off', greeting: 'hello' };
  }
  load(unit: Unit<WidgetData>, definition: UnitDefinition): void {
    unit.data.greeting = (definition.sections.get('Widget')?.get('Greeting') as string | undefined) ?? 'hello';
  }
  start(unit: Unit<WidgetData>): UnitActionResult {
    unit.log('info', unit.data.greeting);
    return this.setState(unit, 'on');
  }
  stop(unit: Unit<WidgetData>): UnitActionResult {
    return this.setState(unit, 'off');
  }
  activeState(unit: Unit<WidgetData>) {
    return unit.data.state === 'on' ? ('active' as const) : ('inactive' as const);
  }
  subState(unit: Unit<WidgetData>): string {
    return unit.data.state;
  }
  /** The one place the state is written; core is told once. */
  private setState(unit: Unit<WidgetData>, state: WidgetData['state']): UnitActionResult {
    unit.data.state = state;
    unit.notifyStateChange();
    return 'started';
  }
}

const widgetSectionTable: DirectiveTable = { section: 'Widget', unitTypes: ['widget'], directives: { Greeting: stringDirective() } };

export const widgetModule = new ContainerModule(({ bind }) => {
  bind(WidgetUnitType).toSelf().inSingletonScope();
  bind(UnitTypeContribution).toService(WidgetUnitType);
  bind(DirectiveTableContribution).toConstantValue(widgetSectionTable);
});

// blue.widget now loads and starts; here on @unitkit/testing's fake ports, with the unit file as text.
const t = createTestManager({ modules: [widgetModule] });
t.units.file('blue.widget', '[Widget]\nGreeting=hi there\n');
console.log(await t.start('blue.widget').wait(), t.manager.getUnit('blue.widget')?.activeState()); // done active
// README:end
