// Caches on disk that make repeated runs faster (the synth's app loader, the validation plugin's results). A leaf
// module: it imports only Node's own.
export { CACHE_VARIABLE, cacheFolder } from './cache-folder';
export { cacheKey, DiskCache } from './disk-cache';
export { packageVersion } from './package-version';
