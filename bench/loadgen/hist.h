/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Log-bucketed latency histogram (HDR-style): values below 16 ns have a
 * bucket each, above that every power of two is split into 16 buckets, so a
 * bucket is at most 1/16 (6.25 %) wide. Fixed size, no allocation: adding a
 * sample is a count-leading-zeros and an increment.
 */
#ifndef LOADGEN_HIST_H
#define LOADGEN_HIST_H

#include <stdint.h>
#include <string.h>

#define HIST_SUB_BITS 4
#define HIST_SUB (1u << HIST_SUB_BITS)
#define HIST_MAX_LOG2 40 /* ~1100 s in ns: anything above lands in the last */
#define HIST_BUCKETS ((HIST_MAX_LOG2 - HIST_SUB_BITS + 2) * HIST_SUB)

struct hist {
	uint64_t count;
	uint64_t sum_ns;
	uint64_t max_ns;
	uint32_t b[HIST_BUCKETS];
};

static inline unsigned int
hist_index(uint64_t v)
{
	unsigned int k, idx;

	if (v < HIST_SUB)
		return (unsigned int)v;
	k = 63u - (unsigned int)__builtin_clzll(v); /* >= HIST_SUB_BITS */
	if (k > HIST_MAX_LOG2)
		return HIST_BUCKETS - 1;
	idx = (k - HIST_SUB_BITS + 1) * HIST_SUB +
	      (unsigned int)((v >> (k - HIST_SUB_BITS)) & (HIST_SUB - 1));
	return idx;
}

static inline void
hist_add(struct hist *h, uint64_t ns)
{
	h->b[hist_index(ns)]++;
	h->count++;
	h->sum_ns += ns;
	if (ns > h->max_ns)
		h->max_ns = ns;
}

static inline void
hist_reset(struct hist *h)
{
	memset(h, 0, sizeof(*h));
}

/* Upper bound (ns) of the bucket holding quantile q (0..1); 0 when empty. */
uint64_t hist_quantile(const struct hist *h, double q);
/* Add every count of src into dst. */
void hist_merge(struct hist *dst, const struct hist *src);

#endif
