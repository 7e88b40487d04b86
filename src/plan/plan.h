/* SPDX-License-Identifier: MIT */
#pragma once
/* The plan of a parsed command line: between the parser (src/cli/, pure) and the launcher.
 * It looks at the host and prepares it, which the parser does not. */
#include "cli/state.h"

/* Once every option is read: what the options mean together (the namespaces, what needs
 * what), and for a run what the host must provide before anything starts (the network
 * helper, a compiled --seccomp-profile, the persistent home). 0, or a negative errno with
 * the message set. */
int cli_plan(struct parse_state *s);
