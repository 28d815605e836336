// The value of a waiver that covers only some volumes of the pod: `volumes=model,model-1; <reason>`. The one place
// that writes this format, so that each source's waiver covers its own volumes and no other.
const VOLUMES_SCOPE = 'volumes=';

export function volumeScopedReason(volumes: readonly string[], reason: string): string {
  return `${VOLUMES_SCOPE}${volumes.join(',')}; ${reason}`;
}

/** Two sources that waive one rule: a waiver annotation holds one value, so their volume scopes are joined. */
export function mergeWaiverReasons(first: string, second: string): string {
  const scoped = (value: string) => (value.startsWith(VOLUMES_SCOPE) && value.includes('; ')
    ? { volumes: value.slice(VOLUMES_SCOPE.length, value.indexOf('; ')).split(','), reason: value.slice(value.indexOf('; ') + 2) } : undefined);
  const a = scoped(first);
  const b = scoped(second);
  if (!a || !b) {
    // one of them covers every volume
    return a ? second : first;
  }
  return volumeScopedReason([...a.volumes, ...b.volumes.filter(v => !a.volumes.includes(v))], a.reason);
}
