/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The lease store of full DHCP mode, one shard per worker.
 *
 * A shard is everything one worker owns: the leases of the clients that
 * dpxe_client_owner(chaddr, n) sends to it, and the free/used bitmaps of its
 * own slice of every pool. Workers never touch each other's shards, so there
 * are no locks; the one cross-shard event (a lease whose address lies in
 * another shard's slice ends, possible only after n changed between runs)
 * leaves through a small outbox the worker drains into the slice owner's ring
 * (dpxe_lease_shard_foreign_pop() / dpxe_lease_shard_free_foreign()).
 *
 * Keys. Leases are keyed by chaddr (the 6-byte Ethernet MAC), not by option
 * 61: chaddr is what spreads packets over workers (client_hash.h), so only a
 * chaddr key keeps a client's packets and its lease on one worker; option 61
 * is optional, free-form and sent inconsistently by PXE ROMs versus the OS
 * that boots afterwards (the ROM often sends none, the OS a DUID), which
 * would give one machine two leases during every install.
 *
 * Slices. Address a of pool p (index i = a - p.start) belongs to shard
 * i % n_shards. Interleaving, rather than cutting each pool into n ranges,
 * gives every shard a fair share of every pool, including small ones and
 * pools added by a reload, and keeps the rule a single modulo that needs no
 * table. Two shards can therefore never hand out one address: each only
 * allocates from bits it alone owns. The price: a client can only get a
 * requested address that lies in its own shard's slice.
 *
 * Reserved addresses (hosts[].ip) are marked used, permanently, in their
 * slice owner's bitmap at create time, so they are never handed out
 * dynamically; a client with a reservation inside the subnet it asks from
 * always gets it, whatever slice the address is in.
 *
 * Time is the caller's monotonic seconds ("now"); the journal converts to
 * wall-clock time (lease_journal.h).
 *
 * Cost: the table is O(1) expected (open addressing, linear probing at most
 * 75% full, backward-shift deletion, no tombstones); finding the pool of an
 * address walks the configured subnets and pools (a handful); the search
 * for a free address reads at most pool_size / (64 * n_shards) bitmap words
 * per pool of the subnet. Nothing allocates after create.
 */
#ifndef DPXE_LEASE_SHARD_H
#define DPXE_LEASE_SHARD_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"

/** State of a lease entry. */
enum dpxe_lease_state {
	DPXE_LEASE_EMPTY = 0,  /**< internal: a free table slot */
	DPXE_LEASE_OFFERED,    /**< address held for the client until expiry */
	DPXE_LEASE_BOUND,      /**< address the client's until expiry */
	/** Address back in the pool (released, or the lease/offer ran out);
	 *  the entry remembers it, as a hint, until expiry. */
	DPXE_LEASE_RELEASED,
	/** The client declined ip; the address sits in quarantine (not in the
	 *  entry), the entry remembers the event until expiry. */
	DPXE_LEASE_DECLINED,
};

/** dpxe_lease.flags */
#define DPXE_LEASE_F_RESERVED 0x01 /**< ip is the client's hosts[] entry */
#define DPXE_LEASE_F_FOREIGN  0x02 /**< ip lies in another shard's slice */

/** One client's entry. */
struct dpxe_lease {
	uint8_t mac[6];
	uint8_t state;    /**< enum dpxe_lease_state */
	uint8_t flags;    /**< DPXE_LEASE_F_* */
	uint32_t ip;      /**< network order, like lib/dhcp */
	uint16_t subnet;  /**< index in cfg->subnets of the shard's config */
	uint16_t pad;
	int64_t expiry;   /**< caller's monotonic seconds */
};

/** Results of the per-packet calls: 0 or a negative value with a name. */
enum dpxe_lease_status {
	DPXE_LEASE_OK = 0,
	DPXE_LEASE_POOL_EXHAUSTED = -1, /**< no free address in this slice */
	DPXE_LEASE_TABLE_FULL = -2,     /**< no room for another client */
	DPXE_LEASE_NO_LEASE = -3,       /**< no record of this client */
	DPXE_LEASE_WRONG_IP = -4,       /**< the client's lease is another ip */
	DPXE_LEASE_ADDR_TAKEN = -5,     /**< that address is someone else's */
	DPXE_LEASE_NOT_IN_POOL = -6,    /**< ip in no pool of this config */
	DPXE_LEASE_OTHER_SLICE = -7,    /**< ip is another shard's to vouch for */
	DPXE_LEASE_BAD_SUBNET = -8,     /**< subnet index out of range */
	DPXE_LEASE_NOT_OWNER = -9,      /**< mac belongs to another shard */
};

/** "pool-exhausted", "wrong-ip", ...; "unknown" for other values. */
const char *dpxe_lease_status_name(int status);

/** Knobs; a zero member takes the default in brackets. */
struct dpxe_lease_shard_params {
	uint32_t capacity;       /**< client entries, any state [65536] */
	uint32_t offer_time;     /**< s an OFFERED address is held [60] */
	uint32_t decline_time;   /**< s a declined address is quarantined [600] */
	uint32_t remember_time;  /**< s a RELEASED/DECLINED entry lives [86400] */
	uint32_t quarantine_cap; /**< addresses in quarantine at once [256] */
	uint32_t outbox_cap;     /**< foreign addresses awaiting hand-off [64] */
};

struct dpxe_lease_shard;

/**
 * Create shard `shard` of `n_shards` for the subnets, pools and hosts of
 * cfg. The shard copies what it needs: cfg may be freed afterwards.
 *
 * @param p  NULL: all defaults.
 * @return 0 and *out; -EINVAL (shard >= n_shards, n_shards 0, more than
 *         65535 subnets), -ENOMEM.
 */
int dpxe_lease_shard_create(const struct dpxe_config *cfg, unsigned int shard,
			    unsigned int n_shards,
			    const struct dpxe_lease_shard_params *p,
			    struct dpxe_lease_shard **out);

/** Free a shard; NULL is a no-op. */
void dpxe_lease_shard_destroy(struct dpxe_lease_shard *s);

/** The client's entry, or NULL. Valid until the next call that changes s. */
const struct dpxe_lease *dpxe_lease_shard_lookup(const struct dpxe_lease_shard *s,
						 const uint8_t mac[6]);

/**
 * Pick an address for a DISCOVER from the client on subnet `subnet`, and hold
 * it (OFFERED) for offer_time. In order: the client's reservation in that
 * subnet; its current OFFERED/BOUND address in that subnet (RFC 2131 §4.3.1:
 * a bound client keeps its binding; a BOUND entry stays BOUND); the
 * requested address (option 50) when it is in a pool of the subnet, in this
 * shard's slice and free; the client's previous (RELEASED) address when
 * still free; the next free address of the slice, next-fit, so the
 * addresses freed most recently are reused last. A client moving to another
 * subnet gives its old address back.
 *
 * @param requested_ip  network order, 0: none.
 * @return DPXE_LEASE_OK and *ip (network order); DPXE_LEASE_POOL_EXHAUSTED
 *         (the entry is left as it was), DPXE_LEASE_TABLE_FULL,
 *         DPXE_LEASE_BAD_SUBNET, DPXE_LEASE_NOT_OWNER.
 */
int dpxe_lease_shard_offer(struct dpxe_lease_shard *s, const uint8_t mac[6],
			   uint32_t requested_ip, unsigned int subnet,
			   int64_t now, uint32_t *ip);

/**
 * REQUEST: bind (or renew) ip for lease_time seconds. Accepted when ip is
 * the client's OFFERED or BOUND address, its reservation, or (INIT-REBOOT
 * after a lost journal batch, or a REQUEST after the offer ran out) a free
 * address of this shard's slice; the caller checks ip is on the client's
 * network (dpxe_lease_shard_subnet_of()).
 *
 * @return DPXE_LEASE_OK; NAK reasons: DPXE_LEASE_WRONG_IP,
 *         DPXE_LEASE_ADDR_TAKEN, DPXE_LEASE_NOT_IN_POOL;
 *         DPXE_LEASE_OTHER_SLICE (no record here and the address is another
 *         shard's: RFC 2131 §4.3.2 says stay silent), DPXE_LEASE_TABLE_FULL.
 */
int dpxe_lease_shard_bind(struct dpxe_lease_shard *s, const uint8_t mac[6],
			  uint32_t ip, uint32_t lease_time, int64_t now);

/**
 * RELEASE: the address goes back to the pool (never a reservation), the
 * entry remembers it for remember_time.
 * @return DPXE_LEASE_OK, DPXE_LEASE_NO_LEASE, DPXE_LEASE_WRONG_IP.
 */
int dpxe_lease_shard_release(struct dpxe_lease_shard *s, const uint8_t mac[6],
			     uint32_t ip, int64_t now);

/**
 * DECLINE: the client found ip in use. The address is quarantined for
 * decline_time (a reservation is not: it stays reserved; a foreign address
 * stays marked used in its slice owner until the next restart, when the
 * journal's decline record quarantines it properly). With the quarantine
 * full, the oldest address leaves it early: a client declining everything
 * cannot drain a pool.
 * @return DPXE_LEASE_OK, DPXE_LEASE_NO_LEASE, DPXE_LEASE_WRONG_IP.
 */
int dpxe_lease_shard_decline(struct dpxe_lease_shard *s, const uint8_t mac[6],
			     uint32_t ip, int64_t now);

/** Called by dpxe_lease_shard_expire() for each BOUND lease that ran out. */
typedef void (*dpxe_lease_expired_fn)(void *arg, const struct dpxe_lease *l);

/**
 * Reclaim what has run out: quarantined addresses, offers, leases (their
 * addresses go back to the pool) and forgotten RELEASED/DECLINED entries.
 * Looks at no more than `budget` quarantine entries plus table slots per
 * call, resuming where the last call stopped (a sweep of the table takes
 * slots / budget calls), so the worker loop can call it every iteration
 * with a small budget; UINT_MAX means one whole sweep.
 *
 * @param cb  may be NULL; told of each BOUND lease that expired (to journal
 *            an expire record).
 * @return entries reclaimed (<= budget).
 */
unsigned int dpxe_lease_shard_expire(struct dpxe_lease_shard *s, int64_t now,
				     unsigned int budget,
				     dpxe_lease_expired_fn cb, void *arg);

/**
 * Iterate the entries in use (any state but EMPTY). Start with *cursor = 0.
 * Not stable across changes to s.
 * @return true and *out, false at the end.
 */
bool dpxe_lease_shard_next(const struct dpxe_lease_shard *s, uint32_t *cursor,
			   struct dpxe_lease *out);

/** Iterate the quarantine: *ip (network order), *until. Start *cursor = 0. */
bool dpxe_lease_shard_quarantine_next(const struct dpxe_lease_shard *s,
				      uint32_t *cursor, uint32_t *ip,
				      int64_t *until);

/**
 * A foreign address whose lease ended here and that the slice owner must
 * free: pop it, hand it to the owner (a ring), which calls
 * dpxe_lease_shard_free_foreign(). With the outbox full the address stays
 * used until the next restart: a leak, never a duplicate.
 * @return true and *ip, false when empty.
 */
bool dpxe_lease_shard_foreign_pop(struct dpxe_lease_shard *s, uint32_t *ip);

/** Free an address of this shard's slice that another shard held.
 *  @return DPXE_LEASE_OK, DPXE_LEASE_NOT_IN_POOL, DPXE_LEASE_OTHER_SLICE. */
int dpxe_lease_shard_free_foreign(struct dpxe_lease_shard *s, uint32_t ip);

/** Index of the subnet whose network holds ip (network order), or -1. */
int dpxe_lease_shard_subnet_of(const struct dpxe_lease_shard *s, uint32_t ip);

/** The shard whose slice holds ip, or -1 when ip is in no pool. */
int dpxe_lease_shard_slice_of(const struct dpxe_lease_shard *s, uint32_t ip);

/** Is ip (in a pool of this shard's slice) marked used? false otherwise. */
bool dpxe_lease_shard_ip_used(const struct dpxe_lease_shard *s, uint32_t ip);

/** Free addresses of this shard's slice in the subnet's pools. */
uint64_t dpxe_lease_shard_free_count(const struct dpxe_lease_shard *s,
				     unsigned int subnet);

/** The parameters in effect (defaults filled in). */
const struct dpxe_lease_shard_params *
dpxe_lease_shard_params(const struct dpxe_lease_shard *s);

/** Entries in use, of capacity. */
uint32_t dpxe_lease_shard_count(const struct dpxe_lease_shard *s);
uint32_t dpxe_lease_shard_capacity(const struct dpxe_lease_shard *s);
unsigned int dpxe_lease_shard_index(const struct dpxe_lease_shard *s);
unsigned int dpxe_lease_shard_n(const struct dpxe_lease_shard *s);

/** The subnet's network (network order) and prefix, for journal records.
 *  @return 0, -EINVAL when subnet is out of range. */
int dpxe_lease_shard_subnet_net(const struct dpxe_lease_shard *s,
				unsigned int subnet, uint32_t *net,
				uint8_t *prefix);

#endif /* DPXE_LEASE_SHARD_H */
