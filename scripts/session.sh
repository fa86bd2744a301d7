# Sourced by the test and bench scripts: makes sure what they need is
# installed, then re-runs the calling script inside a fresh D-Bus session
# with an Xvfb display and an unlocked gnome-keyring (a real Secret Service).
#
#   source scripts/session.sh "$0" "$@"

export PATH="$HOME/.cargo/bin:$PATH"
if [ -z "${AXOLOP_TEST_SESSION:-}" ]; then
  bash scripts/setup.sh
  export AXOLOP_TEST_SESSION=1
  exec dbus-run-session -- xvfb-run -a -s "-screen 0 1600x1000x24" bash "$@"
fi
eval "$(echo -n axolop-test | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
# Accessibility bus activation only adds noise under Xvfb.
export NO_AT_BRIDGE=1
