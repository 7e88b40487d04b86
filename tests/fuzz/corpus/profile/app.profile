# app: a desktop or long-running application isolated per app: its own home kept across
# runs ($XDG_DATA_HOME/sbx/homes/NAME, NAME from --name or the command), bound over the
# empty one, so a current directory under $HOME is hidden too. Desktop sockets only when
# asked: --socket wayland|x11|pulseaudio|pipewire.
include default
# browsers (Chromium, Firefox) build their own sandbox from a user namespace
allow-userns
home-persist
new-session
die-with-parent
