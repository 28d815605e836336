// A model store the server reads itself: nothing is mounted, the server gets the URI.
import { ModelServer, ModelSourceConfig, ModelSourceContext } from './context';
import { sourceProblem } from './problem';

const URI = /^(gs|s3):\/\/[a-z0-9][a-z0-9._-]*[a-z0-9](\/[^\s'"`\\$]*)?$/;

export class UriModelSource {
  constructor(private readonly uri: string) {}

  public bind(context: ModelSourceContext): ModelSourceConfig {
    const uri = this.uri;
    if (!(typeof uri === 'string' && URI.test(uri))) {
      return { problems: [sourceProblem(context, 'uri', uri, "must be 'gs://bucket/path/<modelName>' or 's3://bucket/path/<modelName>'")] };
    }
    if (context.server === ModelServer.TF_SERVING && uri.startsWith('s3://')) {
      return {
        problems: [sourceProblem(context, 'uri', uri, 'is not read by TF Serving 2.7 and later, which dropped s3:// (tensorflow/serving#1963); '
          + `use ModelSource.fromUrl('${uri.replace(/\/*$/, '/')}'), which downloads it before the server starts`)],
      };
    }
    return { uri: uri.replace(/\/+$/, '') };
  }
}
