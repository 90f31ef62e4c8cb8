/* SPDX-License-Identifier: BSD-3-Clause */
/* The fuzzed request through full DHCP mode (fuzz_server.c). */
#ifndef DPXE_FUZZ_SERVER_H
#define DPXE_FUZZ_SERVER_H

#include "dhcp.h"

/* Answer m as full DHCP mode would, on a fresh lease shard (so every input
 * runs the same way whatever ran before it), and trap on any reply or
 * result that breaks the contract of dhcp_server.h. */
void fuzz_server_answer(const struct dpxe_dhcp_msg *m);

#endif /* DPXE_FUZZ_SERVER_H */
