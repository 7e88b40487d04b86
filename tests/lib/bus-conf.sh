# shellcheck shell=bash
# private_bus_conf LISTEN: the configuration of a private dbus-daemon listening on LISTEN
# (unix:path=..., unix:dir=...) for the tests' own buses (mock-bus.sh, compat/flatpak.sh):
# everybody may own and send anything, and no <servicedir>, so nothing gets activated
# behind the test's back (the session config would start helpers and leave them behind).
private_bus_conf() {
	cat <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>$1</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
}
