/* SPDX-License-Identifier: BSD-3-Clause */
/* Classic pcap files in and out of memory, through libpcap. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "e2e.h"

void
e2e_pcap_add(struct e2e_pcap *p, const uint8_t *d, size_t len)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 64;
		struct e2e_pkt *v = realloc(p->v, cap * sizeof(*v));

		if (v == NULL)
			abort();
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n].data = malloc(len ? len : 1);
	if (p->v[p->n].data == NULL)
		abort();
	memcpy(p->v[p->n].data, d, len);
	p->v[p->n].len = (uint32_t)len;
	p->n++;
}

void
e2e_pcap_free(struct e2e_pcap *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].data);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

int
e2e_pcap_read(const char *path, struct e2e_pcap *out, char *err,
	      size_t err_len)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *pc;
	int rc;

	pc = pcap_open_offline(path, ebuf);
	if (pc == NULL) {
		snprintf(err, err_len, "%s: %s", path, ebuf);
		return -1;
	}
	if (pcap_datalink(pc) != DLT_EN10MB) {
		snprintf(err, err_len, "%s: link type %d, not Ethernet", path,
			 pcap_datalink(pc));
		pcap_close(pc);
		return -1;
	}
	while ((rc = pcap_next_ex(pc, &h, &d)) == 1) {
		if (h->caplen != h->len) {
			snprintf(err, err_len, "%s: a frame was cut to %u of "
				 "%u bytes", path, h->caplen, h->len);
			pcap_close(pc);
			return -1;
		}
		e2e_pcap_add(out, d, h->caplen);
	}
	if (rc != PCAP_ERROR_BREAK) {
		snprintf(err, err_len, "%s: %s", path, pcap_geterr(pc));
		pcap_close(pc);
		return -1;
	}
	pcap_close(pc);
	return 0;
}

int
e2e_pcap_write(const char *path, const struct e2e_pcap *p, char *err,
	       size_t err_len)
{
	pcap_t *pc = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *dump;
	int rc = 0;

	if (pc == NULL) {
		snprintf(err, err_len, "pcap_open_dead failed");
		return -1;
	}
	dump = pcap_dump_open(pc, path);
	if (dump == NULL) {
		snprintf(err, err_len, "%s: %s", path, pcap_geterr(pc));
		pcap_close(pc);
		return -1;
	}
	for (size_t i = 0; i < p->n; i++) {
		/* fixed, increasing timestamps keep the file deterministic */
		struct pcap_pkthdr h = {
			.ts = { .tv_sec = 1700000000 + (time_t)(i / 1000),
				.tv_usec = (suseconds_t)(i % 1000) * 1000 },
			.caplen = p->v[i].len,
			.len = p->v[i].len,
		};

		pcap_dump((u_char *)dump, &h, p->v[i].data);
	}
	if (pcap_dump_flush(dump) != 0) {
		snprintf(err, err_len, "%s: write failed", path);
		rc = -1;
	}
	pcap_dump_close(dump);
	pcap_close(pc);
	return rc;
}
