// A model baked into the server image.
import { ModelSourceConfig } from './context';

export class ImageModelSource {
  public bind(): ModelSourceConfig {
    return { inImage: true };
  }
}
