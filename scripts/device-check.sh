#!/usr/bin/env bash
# The device check in one command (docs/device-check.md): the adapter and its limits, kernel
# throughputs, rev/res GEN training steps on a generated proteins-sized part with peak memory, a
# 1001-layer rev step, and PyTorch Geometric on the same part — one JSON, in at most 6 minutes.
#
#   device-check.sh [--dry-run] [--out FILE] [--python EXE]
#
# Runs from the bundle that `npm run device:pack` makes (node, revgnn-node.mjs, dawn.node,
# the PyG peer and Debian's libvulkan1 .deb beside this script), or from the repository
# (system node, dist-node/ built on demand). Sets up the Vulkan loader when the system has none.
set -euo pipefail

DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="device-check.json"
PYTHON="python3"
DRY=""
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) DRY=1; ARGS+=("$1") ;;
    --out) OUT="$2"; shift ;;
    --out=*) OUT="${1#--out=}" ;;
    --python) PYTHON="$2"; shift ;;
    --python=*) PYTHON="${1#--python=}" ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) ARGS+=("$1") ;;
  esac
  shift
done
say() { echo "device-check: $*" >&2; }

# --- the Node host: beside this script (the bundle) or the repository's build ---------------
if [ -f "$DIR/revgnn-node.mjs" ]; then
  BUNDLE="$DIR/revgnn-node.mjs"
else
  ROOT="$(cd "$DIR/.." && pwd)"
  BUNDLE="$ROOT/dist-node/revgnn-node.mjs"
  if [ ! -f "$BUNDLE" ] || [ ! -f "$ROOT/dist-node/dawn.node" ]; then
    say "building the single-file Node host (npm run build:node)"
    (cd "$ROOT" && npm run -s build:node >&2)
  fi
fi
NODE="${REVGNN_NODE:-}"
[ -z "$NODE" ] && [ -x "$DIR/node" ] && NODE="$DIR/node"
[ -z "$NODE" ] && NODE="$(command -v node || true)"
if [ -z "$NODE" ]; then
  say "no Node binary: put one beside this script as ./node (see docs/device-check.md) or set REVGNN_NODE"
  exit 2
fi

# --- the Vulkan loader (Dawn dlopens libvulkan.so.1) ------------------------------------------
has_loader() {
  # (grep without -q reads everything: an early exit would SIGPIPE ldconfig under pipefail)
  ldconfig -p 2>/dev/null | grep 'libvulkan\.so\.1 ' >/dev/null && return 0
  for d in /usr/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu /usr/lib64 /usr/lib /usr/local/lib; do
    [ -e "$d/libvulkan.so.1" ] && return 0
  done
  return 1
}
# REVGNN_UNPACK_VULKAN=1 (or =python: without dpkg-deb) unpacks the .deb even so, for tests.
if [ -n "${REVGNN_UNPACK_VULKAN:-}" ] || ! has_loader; then
  DEB="$(ls "$DIR"/libvulkan1_*.deb 2>/dev/null | head -n 1 || true)"
  if [ -z "$DEB" ]; then
    say "no Vulkan loader (libvulkan.so.1) and no libvulkan1_*.deb beside this script"
    exit 2
  fi
  LOADER="$DIR/vulkan-loader"
  say "no Vulkan loader on this system: unpacking $(basename "$DEB") into $LOADER"
  mkdir -p "$LOADER"
  if [ "${REVGNN_UNPACK_VULKAN:-}" != python ] && command -v dpkg-deb >/dev/null; then
    dpkg-deb -x "$DEB" "$LOADER"
  else
    # A .deb is an ar archive holding data.tar.*: Python's tarfile reads it.
    "$PYTHON" - "$DEB" "$LOADER" <<'PY'
import io, sys, tarfile
data = open(sys.argv[1], "rb").read()
if data[:8] != b"!<arch>\n":
    sys.exit(f"{sys.argv[1]}: not a .deb (ar) archive")
off = 8
while off + 60 <= len(data):
    name, size = data[off:off + 16].decode().strip(), int(data[off + 48:off + 58])
    body = data[off + 60:off + 60 + size]
    off += 60 + size + (size & 1)
    if name.startswith("data.tar"):
        if name.endswith(".zst"):
            sys.exit("data.tar.zst: this .deb needs dpkg-deb; carry Debian's (xz) package")
        tarfile.open(fileobj=io.BytesIO(body)).extractall(sys.argv[2])
        break
else:
    sys.exit(f"{sys.argv[1]}: no data.tar inside")
PY
  fi
  LIB="$(dirname "$(find "$LOADER" -name 'libvulkan.so.1' | head -n 1)")"
  export LD_LIBRARY_PATH="$LIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi

# --- the Vulkan driver (ICD) ------------------------------------------------------------------
has_nvidia_icd() {
  local d
  for d in /etc/vulkan/icd.d /usr/share/vulkan/icd.d /usr/local/share/vulkan/icd.d; do
    compgen -G "$d/*nvidia*.json" >/dev/null && return 0
  done
  return 1
}
if [ -z "${VK_ICD_FILENAMES:-}" ]; then
  if [ -n "$DRY" ] && [ -f /usr/lib/chromium/vk_swiftshader_icd.json ] &&
    ! has_nvidia_icd; then
    export VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
    say "dry run on SwiftShader ($VK_ICD_FILENAMES)"
  elif ! has_nvidia_icd; then
    # Containers often get the NVIDIA driver without its Vulkan manifest: write one.
    GLX="$(ldconfig -p 2>/dev/null | awk '/libGLX_nvidia\.so\.0 / && !f {print $NF; f = 1}' || true)"
    if [ -n "$GLX" ]; then
      ICD="$DIR/nvidia_icd.json"
      [ -w "$DIR" ] || ICD="$(mktemp --suffix=.json)"
      printf '{"file_format_version":"1.0.0","ICD":{"library_path":"%s","api_version":"1.3"}}\n' \
        "$GLX" >"$ICD"
      export VK_ICD_FILENAMES="$ICD"
      say "no NVIDIA Vulkan manifest installed: using $ICD → $GLX"
    elif command -v nvidia-smi >/dev/null; then
      say "warning: an NVIDIA GPU but no Vulkan driver (libGLX_nvidia.so.0). In a container," \
        "start it with NVIDIA_DRIVER_CAPABILITIES=all (graphics included)."
    fi
  fi
fi

# --- run: the Node host writes the JSON (it keeps its own 6-minute budget) -------------------
LIMIT=420
[ -n "$DRY" ] && LIMIT=900
TIMEOUT=""
command -v timeout >/dev/null && TIMEOUT="timeout $LIMIT"
say "$NODE $BUNDLE device-check ${ARGS[*]:-} --out $OUT --python $PYTHON"
$TIMEOUT "$NODE" "$BUNDLE" device-check ${ARGS[@]+"${ARGS[@]}"} --out "$OUT" --python "$PYTHON"
