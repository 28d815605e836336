// The rules that parse strings, remembered per string: thousands of apps repeat the same images, quantities and
// label keys, and each parse splits them and runs regular expressions. Callers share the results and only read them.
import { parseImage } from '../kubernetes-rules/image';
import { isQualifiedName } from '../kubernetes-rules/names';
import { parseQuantity } from '../kubernetes-rules/quantity';
import { memoize } from './memo';

export const parseImageOnce = memoize(parseImage);
export const parseQuantityOnce = memoize(parseQuantity);
export const isQualifiedNameOnce = memoize(isQualifiedName);
