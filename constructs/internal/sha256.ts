// SHA-256 of a string, in hex. Node 20.12 and later hash a string in one call, without a Hash object: several times
// faster for the short inputs of a construct, which hashes once per app. Older releases take the Hash object.
import * as crypto from 'crypto';

export const sha256Hex: (data: string) => string = typeof crypto.hash === 'function'
  ? data => crypto.hash('sha256', data, 'hex')
  : data => crypto.createHash('sha256').update(data).digest('hex');
