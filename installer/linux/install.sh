#!/bin/sh
# Install (or with --uninstall remove) crm-desktop for the current user, or
# system-wide with PREFIX=/usr/local (run as root). Nothing outside PREFIX is touched:
#   PREFIX/lib/crm-desktop/                     the bundle (this folder, copied)
#   PREFIX/bin/crm-desktop                      link to its executable
#   PREFIX/share/applications/crm-desktop.desktop   menu entry (Exec = absolute path)
#   PREFIX/share/icons/hicolor/*/apps/crm-desktop.{png,svg}
# Usage: ./install.sh [--uninstall]      (default PREFIX: ~/.local)
set -eu

PREFIX="${PREFIX:-$HOME/.local}"
NAME=crm-desktop
HERE="$(cd "$(dirname "$0")" && pwd)"
APP_DIR="$PREFIX/lib/$NAME"
BIN="$PREFIX/bin/$NAME"
DESKTOP="$PREFIX/share/applications/$NAME.desktop"
ICONS="$PREFIX/share/icons/hicolor"

refresh_menus() {
    command -v update-desktop-database >/dev/null 2>&1 \
        && update-desktop-database -q "$PREFIX/share/applications" 2>/dev/null || true
    command -v gtk-update-icon-cache >/dev/null 2>&1 \
        && gtk-update-icon-cache -q -t "$ICONS" 2>/dev/null || true
}

if [ "${1:-}" = "--uninstall" ]; then
    rm -rf "$APP_DIR"
    rm -f "$BIN" "$DESKTOP"
    find "$ICONS" -path "*/apps/$NAME.*" -exec rm -f {} + 2>/dev/null || true
    refresh_menus
    echo "$NAME removed from $PREFIX (your data and settings are kept)."
    exit 0
fi
if [ -n "${1:-}" ]; then
    echo "usage: $0 [--uninstall]   (PREFIX=$PREFIX)" >&2
    exit 2
fi
if [ ! -x "$HERE/$NAME" ]; then
    echo "install.sh: run it from the unpacked $NAME folder" >&2
    exit 1
fi

mkdir -p "$PREFIX/lib" "$PREFIX/bin" "$PREFIX/share/applications"
if [ "$HERE" != "$APP_DIR" ]; then
    rm -rf "$APP_DIR.new"
    cp -R "$HERE" "$APP_DIR.new"
    rm -rf "$APP_DIR"
    mv "$APP_DIR.new" "$APP_DIR"
fi
ln -sf "$APP_DIR/$NAME" "$BIN"
for icon in "$APP_DIR"/share/icons/hicolor/*/apps/"$NAME".*; do
    size_dir="$(basename "$(dirname "$(dirname "$icon")")")"
    mkdir -p "$ICONS/$size_dir/apps"
    cp "$icon" "$ICONS/$size_dir/apps/"
done
# The menu entry runs the absolute path: ~/.local/bin is not on every desktop's PATH.
sed -e "s|^Exec=.*|Exec=\"$APP_DIR/$NAME\"|" -e "s|^TryExec=.*|TryExec=$APP_DIR/$NAME|" \
    "$APP_DIR/share/applications/$NAME.desktop" > "$DESKTOP"
chmod 644 "$DESKTOP"
refresh_menus
echo "$NAME installed in $APP_DIR; start it from the applications menu or run $BIN"
