/* SPDX-License-Identifier: BSD-3-Clause */
#include "hist.h"

/* Smallest value that lands in bucket idx + 1, i.e. the bucket's upper end. */
static uint64_t
bucket_upper(unsigned int idx)
{
	unsigned int k, sub;

	if (idx < HIST_SUB)
		return idx + 1;
	k = idx / HIST_SUB + HIST_SUB_BITS - 1;
	sub = idx % HIST_SUB;
	return ((uint64_t)(HIST_SUB + sub + 1)) << (k - HIST_SUB_BITS);
}

uint64_t
hist_quantile(const struct hist *h, double q)
{
	uint64_t want, seen = 0;

	if (h->count == 0)
		return 0;
	want = (uint64_t)(q * (double)h->count);
	if (want >= h->count)
		want = h->count - 1;
	for (unsigned int i = 0; i < HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen > want) {
			uint64_t up = bucket_upper(i);
			return up < h->max_ns ? up : h->max_ns;
		}
	}
	return h->max_ns;
}

void
hist_merge(struct hist *dst, const struct hist *src)
{
	for (unsigned int i = 0; i < HIST_BUCKETS; i++)
		dst->b[i] += src->b[i];
	dst->count += src->count;
	dst->sum_ns += src->sum_ns;
	if (src->max_ns > dst->max_ns)
		dst->max_ns = src->max_ns;
}
