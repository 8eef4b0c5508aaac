#!/bin/sh
# Installs what Mediaflow needs beyond Node.js, then its packages:
#   - pnpm 12.21.0 (npm installs it; corepack cannot verify its signatures on some machines)
#   - ffmpeg and ffprobe: Debian/Ubuntu's build, through apt, when none is found
#     (FFMPEG_PATH / FFPROBE_PATH, when set, name the ones to use instead)
#   - pocketsphinx with its en-us model (the offline speech provider), and for
#     the tests espeak-ng, pocketsphinx-testdata, nats-server, tmux and chromium, through apt
#   - the workspace's packages, from the lockfile
# Safe to run again: it installs only what is missing.
set -eu
cd "$(dirname "$0")/.."

say() { printf '== %s\n' "$*"; }

# The encoders the task kinds use (README, "Media tools").
ENCODERS="libx264 libx265 libvpx-vp9 libsvtav1 aac libopus libmp3lame libvorbis flac libwebp"

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else
    echo "need root to run: $*  (run this script as root, or install sudo)" >&2
    return 1
  fi
}

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "12.21.0" ]; then
  say "installing pnpm 12.21.0"
  npm install -g pnpm@12.21.0 || as_root npm install -g pnpm@12.21.0
fi

FFMPEG="${FFMPEG_PATH:-ffmpeg}"
FFPROBE="${FFPROBE_PATH:-ffprobe}"
SPHINX="${POCKETSPHINX_BATCH_PATH:-pocketsphinx_batch}"
# The Debian packages behind each need, installed when the need is not met:
# ffmpeg for every media kind; pocketsphinx and its English model for the
# offline speech provider; espeak-ng and pocketsphinx-testdata (recordings
# with reference transcripts) only for the tests.
missing=""
{ command -v "$FFMPEG" && command -v "$FFPROBE"; } >/dev/null 2>&1 || missing="$missing ffmpeg"
command -v "$SPHINX" >/dev/null 2>&1 || missing="$missing pocketsphinx"
[ -d /usr/share/pocketsphinx/model/en-us ] || [ -n "${MEDIAFLOW_SPEECH_LOCAL_HMM:-}" ] || missing="$missing pocketsphinx-en-us"
command -v espeak-ng >/dev/null 2>&1 || missing="$missing espeak-ng"
[ -d /usr/share/pocketsphinx/test ] || missing="$missing pocketsphinx-testdata"
# Only for the infra tests: helm and kubectl ship zipped in an npm package (infra/test/support/helm.mjs).
command -v unzip >/dev/null 2>&1 || missing="$missing unzip"
# Only for the NATS TLS test (tests/e2e): it makes a CA and a certificate.
command -v openssl >/dev/null 2>&1 || missing="$missing openssl"
# Only for the CLI's end-to-end test (tests/e2e): its progress bars, read in a real terminal.
command -v tmux >/dev/null 2>&1 || missing="$missing tmux"
# Only for `pnpm test` when no NATS answers on 127.0.0.1:4222 (scripts/test-services.js).
{ command -v nats-server || [ -x /usr/sbin/nats-server ]; } >/dev/null 2>&1 || missing="$missing nats-server"
# Only for the SDK's browser test (tests/e2e, playwright-core drives Debian's build: Playwright's own cannot run here).
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
if [ -n "$missing" ]; then
  if command -v apt-get >/dev/null 2>&1; then
    say "installing$missing (apt)"
    as_root apt-get update -qq
    # shellcheck disable=SC2086 # one word per package
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
  else
    echo "missing:$missing, and this is not a Debian/Ubuntu machine: install ffmpeg 5 or newer" >&2
    echo "(with $ENCODERS) and pocketsphinx with its en-us model, or set FFMPEG_PATH, FFPROBE_PATH" >&2
    echo "and POCKETSPHINX_BATCH_PATH (see README, Media tools)." >&2
    exit 1
  fi
fi
say "$("$FFMPEG" -hide_banner -version | head -1)"
available=$("$FFMPEG" -hide_banner -encoders 2>/dev/null)
for encoder in $ENCODERS; do
  if ! printf '%s\n' "$available" | grep -q " $encoder "; then
    echo "warning: this ffmpeg has no $encoder encoder; the options that need it will fail" >&2
  fi
done

say "installing packages"
if [ -n "${CI:-}" ]; then pnpm install --frozen-lockfile; else pnpm install; fi
