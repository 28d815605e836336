// Refuses two apps of one name in one namespace: their objects would overwrite each other in the cluster.
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';

import { constructPathOf } from './problems';

interface RegisteredApp {
  readonly construct: Construct;
  readonly constructType: string;
  readonly name: string;
  readonly namespace?: string;
}

const appsByRoot = new WeakMap<Construct, RegisteredApp[]>();

/**
 * Registers an app's name. One validation per construct tree compares all of them at synth, once,
 * so a tree of thousands of apps stays linear.
 */
export function registerAppName(app: RegisteredApp): void {
  const root = app.construct.node.root;
  let apps = appsByRoot.get(root);
  if (!apps) {
    const registered: RegisteredApp[] = [];
    appsByRoot.set(root, registered);
    root.node.addValidation({ validate: () => duplicateNameErrors(registered) });
    apps = registered;
  }
  apps.push(app);
}

function duplicateNameErrors(apps: RegisteredApp[]): string[] {
  const firstByKey = new Map<string, RegisteredApp>();
  const errors: string[] = [];
  for (const app of apps) {
    const namespace = effectiveNamespace(app);
    const key = `${namespace}/${app.name}`;
    const first = firstByKey.get(key);
    if (first) {
      errors.push(`${app.constructType} '${constructPathOf(app.construct)}': name '${app.name}' is already used in namespace '${namespace}' `
        + `by ${first.constructType} '${constructPathOf(first.construct)}'; names must be unique per namespace`);
    } else {
      firstByKey.set(key, app);
    }
  }
  return errors;
}

function effectiveNamespace(app: RegisteredApp): string {
  if (app.namespace) {
    return app.namespace;
  }
  const chart = Chart.isChart(app.construct) ? app.construct : findChart(app.construct);
  return chart?.namespace ?? 'default';
}

function findChart(construct: Construct): Chart | undefined {
  const chart = construct.node.scopes.slice().reverse().find(Chart.isChart);
  return chart as Chart | undefined;
}
