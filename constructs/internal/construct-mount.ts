// A volume the construct itself mounts (writable paths, model sources), under a fixed volume name.
import { k8s } from 'cdk8s-plus-28';

import { Mount } from '../mount';

export class ConstructMount extends Mount {
  public readonly _shareKey = undefined;

  constructor(public readonly _volumeName: string, private readonly volume: Omit<k8s.Volume, 'name'>, public readonly _readOnly: boolean) {
    super();
  }

  public _check(): void {}

  public _volume(): Omit<k8s.Volume, 'name'> {
    return this.volume;
  }
}
