import { checkObjects } from '../../constructs/check/check';
import { container, deployment, Obj, podSpec, service } from './objects';

test('checking thousands of objects stays fast (indexes, not nested scans)', () => {
  const objects: Obj[] = [];
  for (let i = 0; i < 1500; i++) {
    const spec = podSpec({ automountServiceAccountToken: undefined }, [container({ envFrom: [{ configMapRef: { name: `settings-${i}` } }] })]);
    objects.push(deployment(`app-${i}`, spec), service(`app-${i}`), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `settings-${i}` }, data: {} });
  }
  checkObjects(objects.slice(0, 3));
  const start = Date.now();
  const findings = checkObjects(objects);
  expect(Date.now() - start).toBeLessThan(5000);
  expect(new Set(findings.map(f => f.ruleId))).toEqual(new Set(['service-account/automount-token']));
});
