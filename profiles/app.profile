# app: a desktop or long-running application isolated per user.
include default
new-session
die-with-parent
