/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The lease journal: an append-only file of lease events that is replayed at
 * start so leases survive a restart.
 *
 * Threading. Writing is slow-path work (write(2), fdatasync(2)): workers
 * only build struct dpxe_lease_record values and enqueue them on a ring; a
 * service lcore or thread drains the rings and calls
 * dpxe_lease_journal_append_batch() then dpxe_lease_journal_flush(). None of
 * the functions here may run on a worker lcore. A journal is used by one
 * thread at a time.
 *
 * Durability. Records are durable once dpxe_lease_journal_flush() returns 0.
 * A crash (kill -9, power loss) loses at most what was appended since the
 * last successful flush; replay drops a torn tail and the next open
 * truncates it away.
 *
 * File format, version 1. All integers little-endian; IPv4 addresses are the
 * 4 bytes as on the wire (network order).
 *
 *   Header, 32 bytes:
 *     0   8  magic "DPXELJ1\0"
 *     8   2  version (1)
 *     10  2  record size (32)
 *     12  4  flags (0; a reader rejects unknown flags)
 *     16  8  created, wall-clock UNIX seconds (informational)
 *     24  4  reserved (0)
 *     28  4  CRC32C of bytes 0..27
 *
 *   Then records, 32 bytes each, back to back:
 *     0   1  type: 1 bind, 2 release, 3 decline, 4 expire
 *     1   1  subnet prefix length (0..32)
 *     2   6  client MAC (chaddr)
 *     8   4  ip, network order
 *     12  4  subnet network address, network order
 *     16  8  expiry, wall-clock UNIX seconds, signed: bind = lease end,
 *            decline = quarantine end, release/expire = time of the event
 *     24  4  sequence: the record's index in its file, from 0 (detects a
 *            record written to the wrong place; compaction renumbers)
 *     28  4  CRC32C (Castagnoli, reflected, init/xorout 0xffffffff) of
 *            bytes 0..27
 *
 * The subnet is recorded by network and prefix, not by its index in the
 * configuration, since indexes shift when a subnet is added or removed.
 *
 * Time. Shards run on the caller's monotonic seconds, which restart from an
 * arbitrary origin at boot; the journal stores wall-clock seconds. The
 * conversion is one offset, wall - monotonic, read once when the service
 * starts (dpxe_lease_wall_offset()); a wall-clock step while dpxe runs
 * shifts the recorded expiries by the step, which a restart then honours.
 *
 * Replay reads records in order and stops at the first record that is short
 * or fails its CRC, its type or its sequence check: everything from there on
 * is discarded and reported, never applied, because a record after a bad one
 * cannot be trusted to be in order. A crash can only tear the last batch; a
 * bad record followed by good-looking ones means corruption, and open()
 * then keeps the original as "<path>.corrupt" before truncating.
 */
#ifndef DPXE_LEASE_JOURNAL_H
#define DPXE_LEASE_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lease_shard.h"

#define DPXE_LEASE_JOURNAL_MAGIC "DPXELJ1"  /* 8 bytes with the NUL */
#define DPXE_LEASE_JOURNAL_VERSION 1
#define DPXE_LEASE_JOURNAL_HDR_LEN 32
#define DPXE_LEASE_JOURNAL_REC_LEN 32

enum dpxe_lease_rec_type {
	DPXE_LEASE_REC_BIND = 1,
	DPXE_LEASE_REC_RELEASE = 2,
	DPXE_LEASE_REC_DECLINE = 3,
	DPXE_LEASE_REC_EXPIRE = 4,
};

/** A journal record in memory; what workers enqueue. */
struct dpxe_lease_record {
	uint8_t type;    /**< enum dpxe_lease_rec_type */
	uint8_t prefix;  /**< subnet prefix length */
	uint8_t mac[6];
	uint32_t ip;     /**< network order */
	uint32_t subnet; /**< subnet network address, network order */
	int64_t expiry;  /**< wall-clock UNIX seconds */
};

/** CRC32C (Castagnoli) of len bytes, continuing from crc (start with 0). */
uint32_t dpxe_crc32c(uint32_t crc, const void *data, size_t len);

/** wall-clock seconds minus monotonic seconds, now. */
int64_t dpxe_lease_wall_offset(void);

/** Monotonic seconds (CLOCK_MONOTONIC), the "now" of the shards. */
int64_t dpxe_lease_mono_now(void);

/**
 * Build the record of an event on lease l (an entry of shard s, for its
 * mac, ip and subnet). mono_time is the record's expiry in the shard's
 * monotonic seconds: for a bind l->expiry, for a decline the quarantine's
 * end (now + the shard's decline_time), for a release or an expire now.
 * mono_time + wall_offset is what is stored.
 */
void dpxe_lease_record_make(struct dpxe_lease_record *r, uint8_t type,
			    const struct dpxe_lease_shard *s,
			    const struct dpxe_lease *l, int64_t mono_time,
			    int64_t wall_offset);

/** Encode / decode one 32-byte record; seq is its index in the file.
 *  decode returns false when the CRC, the type or seq does not match. */
void dpxe_lease_record_encode(uint8_t out[DPXE_LEASE_JOURNAL_REC_LEN],
			      const struct dpxe_lease_record *r, uint32_t seq);
bool dpxe_lease_record_decode(const uint8_t in[DPXE_LEASE_JOURNAL_REC_LEN],
			      uint32_t seq, struct dpxe_lease_record *r);

/** What replay (and open) found. */
struct dpxe_lease_journal_stats {
	uint64_t records;        /**< good records, replayed */
	uint64_t valid_bytes;    /**< header + good records */
	uint64_t discarded_bytes; /**< from the first bad record to the end */
	/** records past the first bad one whose CRC checks: non-zero means
	 *  corruption in the middle rather than a torn tail */
	uint64_t suspect_records;
	bool corrupt_saved;      /**< open() kept the original as .corrupt */
};

/** Replay callback; a non-zero return stops replay and is returned. */
typedef int (*dpxe_lease_replay_fn)(void *arg,
				    const struct dpxe_lease_record *r);

/**
 * Read the journal at path and call cb for each good record, in order.
 *
 * @param cb  may be NULL (just check).
 * @param st  filled in (may be NULL).
 * @return 0 (a torn or corrupt tail is not an error: see st); -ENOENT;
 *         -EINVAL when the file is not a journal (bad magic, bad header
 *         CRC), -ENOTSUP for another version or unknown flags; -errno of a
 *         read; or cb's non-zero return.
 */
int dpxe_lease_journal_replay(const char *path, dpxe_lease_replay_fn cb,
			      void *arg, struct dpxe_lease_journal_stats *st);

struct dpxe_lease_journal;

/**
 * Open the journal for appending, creating it when missing (an empty or
 * torn header-only file counts as missing). A bad tail is truncated away
 * first (with suspect records, after saving the original as
 * "<path>.corrupt"); replay before opening, since the open discards it.
 *
 * @param batch_records  records buffered between flushes [256 when 0].
 * @param st             what the check found (may be NULL).
 * @return 0 and *out; the errors of replay; -ENOMEM; -errno of the file.
 */
int dpxe_lease_journal_open(const char *path, uint32_t batch_records,
			    struct dpxe_lease_journal **out,
			    struct dpxe_lease_journal_stats *st);

/**
 * Queue records for the next flush. When the buffer fills up it is flushed
 * on the way.
 * @return 0, or the error of that flush (the records that did not fit are
 *         not queued).
 */
int dpxe_lease_journal_append_batch(struct dpxe_lease_journal *j,
				    const struct dpxe_lease_record *r,
				    size_t n);

/**
 * Write what is queued and fdatasync it. On error the file is cut back to
 * its last good length and the records stay queued for the next try.
 * @return 0 or -errno.
 */
int dpxe_lease_journal_flush(struct dpxe_lease_journal *j);

/** Iterator for compaction: fill *r and return 1, 0 at the end, <0 error. */
typedef int (*dpxe_lease_iter_fn)(void *arg, struct dpxe_lease_record *r);

/**
 * Replace the journal with the live state: flush, write "<path>.tmp" with a
 * record per live lease (from next()), fsync it, rename it over path, fsync
 * the directory, and continue appending to the new file. A crash at any
 * point leaves either the old file or the new one. The caller must make
 * next() a consistent snapshot: run it when no worker changes the shards
 * (start-up, reload) or from copies the workers sent.
 * @return 0 or -errno; on error the old journal stays in use.
 */
int dpxe_lease_journal_compact(struct dpxe_lease_journal *j,
			       dpxe_lease_iter_fn next, void *arg);

/** Records in the file (flushed), and queued. */
uint64_t dpxe_lease_journal_records(const struct dpxe_lease_journal *j);
uint32_t dpxe_lease_journal_pending(const struct dpxe_lease_journal *j);

/** Flush and close; NULL is a no-op. @return the flush's result. */
int dpxe_lease_journal_close(struct dpxe_lease_journal *j);

#endif /* DPXE_LEASE_JOURNAL_H */
