// The shell scripts of the two init containers that download a model. They read everything from environment
// variables (never from their own text), so no URL can inject a command; every step fails the container on error.
//
// MODEL_URL      the URL, validated at synth time (https://, gs:// or s3://)
// MODEL_FORMAT   tar.gz | tar | zip | file | folder (a gs:// or s3:// URL ending in '/')
// MODEL_FILE     the URL's last path segment (empty for a folder)
// MODEL_SHA256   the expected digest of the downloaded file, or unset
// MODEL_ARCHIVE_PATH  the folder inside the archive that holds the model, or unset for its top level
// MODEL_VERSIONED     'true' when the server needs version folders (1/, 2/, ...) at the top of the model
// MODEL_AUTHORIZATION the value of an https:// request's Authorization header, or unset
//
// MODEL_DIR      the model's emptyDir (/model)
// MODEL_SCRATCH  a scratch folder on the download's emptyDir (/tmp/model-download)

/** An empty folder variable would make `rm -rf "$MODEL_DIR"/*` remove the root: refuse to start instead. */
const GUARD = ': "${MODEL_DIR:?}" "${MODEL_SCRATCH:?}"';

/** Needs sh, rm, mkdir and, for its scheme, curl (https://), gcloud (gs://) or aws (s3://). */
export const FETCH_SCRIPT = [
  'set -eu',
  GUARD,
  // A restarted pod runs its init containers again on the same emptyDirs: start clean.
  'rm -rf "$MODEL_DIR"/* "$MODEL_DIR"/.[!.]* "$MODEL_DIR"/..?* "$MODEL_SCRATCH"',
  'mkdir -p "$MODEL_SCRATCH"',
  'case "$MODEL_FORMAT" in',
  '  file) target="$MODEL_DIR/$MODEL_FILE" ;;',
  '  folder) target="$MODEL_DIR" ;;',
  '  *) target="$MODEL_SCRATCH/$MODEL_FILE" ;;',
  'esac',
  // The query of a signed URL is a credential: never print it.
  'echo "model-fetch: ${MODEL_URL%%[?]*}"',
  'case "$MODEL_URL" in',
  '  https://*)',
  // The credential goes through a file, so that it is on no command line (`ps`) and in no log.
  '    headers="$MODEL_SCRATCH/headers"',
  '    : > "$headers"',
  '    if [ -n "${MODEL_AUTHORIZATION:-}" ]; then printf "Authorization: %s\\n" "$MODEL_AUTHORIZATION" > "$headers"; fi',
  '    curl --fail --silent --show-error --location --proto =https --proto-redir =https --retry 5 --retry-connrefused'
    + ' --connect-timeout 30 --header "@$headers" --output "$target" "$MODEL_URL" ;;',
  '  gs://*/) gcloud storage rsync --recursive "$MODEL_URL" "$target" ;;',
  '  gs://*) gcloud storage cp "$MODEL_URL" "$target" ;;',
  '  s3://*/) aws s3 sync --only-show-errors "$MODEL_URL" "$target" ;;',
  '  s3://*) aws s3 cp --only-show-errors "$MODEL_URL" "$target" ;;',
  '  *) echo "model-fetch: unsupported URL scheme" >&2; exit 2 ;;',
  'esac',
].join('\n');

/** Needs sh, sha256sum, cut, tar with gzip, unzip, mkdir, rm (busybox has them all). */
export const UNPACK_SCRIPT = [
  'set -eu',
  GUARD,
  'case "$MODEL_FORMAT" in',
  '  file) target="$MODEL_DIR/$MODEL_FILE" ;;',
  '  folder) target= ;;',
  '  *) target="$MODEL_SCRATCH/$MODEL_FILE" ;;',
  'esac',
  'if [ -n "${MODEL_SHA256:-}" ]; then',
  '  actual="$(sha256sum "$target" | cut -d " " -f 1)"',
  '  if [ "$actual" != "$MODEL_SHA256" ]; then',
  '    echo "model-unpack: sha256 of ${MODEL_URL%%[?]*} is $actual, expected $MODEL_SHA256" >&2',
  '    rm -f "$target"',
  '    exit 1',
  '  fi',
  'fi',
  'case "$MODEL_FORMAT" in',
  '  tar.gz|tar|zip)',
  '    out="$MODEL_DIR"',
  '    if [ -n "${MODEL_ARCHIVE_PATH:-}" ]; then out="$MODEL_SCRATCH/unpacked"; mkdir -p "$out"; fi',
  '    case "$MODEL_FORMAT" in',
  '      tar.gz) tar -xzof "$target" -C "$out" ;;',
  '      tar) tar -xof "$target" -C "$out" ;;',
  '      zip) unzip -q -o "$target" -d "$out" ;;',
  '    esac',
  '    rm -f "$target"',
  '    if [ -n "${MODEL_ARCHIVE_PATH:-}" ]; then',
  '      if [ ! -d "$out/$MODEL_ARCHIVE_PATH" ]; then',
  '        echo "model-unpack: the archive has no folder $MODEL_ARCHIVE_PATH" >&2',
  '        exit 1',
  '      fi',
  '      (cd "$out/$MODEL_ARCHIVE_PATH" && tar -cf - .) | tar -xof - -C "$MODEL_DIR"',
  '    fi',
  '    ;;',
  'esac',
  'rm -rf "$MODEL_SCRATCH"',
  'if [ "${MODEL_VERSIONED:-}" = true ]; then',
  '  found=',
  '  for dir in "$MODEL_DIR"/*/; do',
  '    name="${dir%/}"; name="${name##*/}"',
  '    case "$name" in ""|*[!0-9]*) ;; *) found=1 ;; esac',
  '  done',
  '  if [ -z "$found" ]; then',
  '    echo "model-unpack: no version folder (1/, 2/, ...) at the top of the model: TF Serving would serve nothing" >&2',
  '    exit 1',
  '  fi',
  'fi',
  'echo "model-unpack: ready"',
].join('\n');
