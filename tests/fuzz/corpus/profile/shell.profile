# shell: an interactive shell, like the default; the command keeps the caller's
# terminal (no new session), so job control works. TERM is inherited.
include default
