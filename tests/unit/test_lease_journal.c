/* SPDX-License-Identifier: BSD-3-Clause */
/* cmocka suite for the lease journal: CRC32C, record encoding, round trip,
 * a torn tail at every byte of the last record, a corrupt middle record,
 * bad headers, write-after-truncate and what a kill -9 loses. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "lease_journal.h"

static char dir[64];
static char path[128];

static int
setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/dpxe_lease_XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/leases", dir);
	return 0;
}

static void
rm(const char *suffix)
{
	char p[160];

	snprintf(p, sizeof(p), "%s%s", path, suffix);
	unlink(p);
}

static int
teardown(void **state)
{
	(void)state;
	rm("");
	rm(".tmp");
	rm(".corrupt");
	rm(".cut");
	rmdir(dir);
	return 0;
}

static void
rec_of(uint32_t i, struct dpxe_lease_record *r)
{
	memset(r, 0, sizeof(*r));
	r->type = (uint8_t)(1 + i % 4);
	r->prefix = 24;
	r->mac[0] = 0x52;
	r->mac[3] = (uint8_t)(i >> 16);
	r->mac[4] = (uint8_t)(i >> 8);
	r->mac[5] = (uint8_t)i;
	r->ip = htonl(0x0a000000u | i);
	r->subnet = htonl(0x0a000000u | (i & ~0xffu));
	r->expiry = 1700000000 + (int64_t)i * 7 - 3;
}

/* Write n records through the writer, in batches of `batch`. */
static void
write_journal(uint32_t n, uint32_t batch)
{
	struct dpxe_lease_journal *j;
	struct dpxe_lease_record r[50];

	assert_true(batch <= 50);
	rm("");
	assert_int_equal(dpxe_lease_journal_open(path, 16, &j, NULL), 0);
	for (uint32_t i = 0; i < n; i += batch) {
		uint32_t k = n - i < batch ? n - i : batch;

		for (uint32_t x = 0; x < k; x++)
			rec_of(i + x, &r[x]);
		assert_int_equal(dpxe_lease_journal_append_batch(j, r, k), 0);
		assert_int_equal(dpxe_lease_journal_flush(j), 0);
	}
	assert_int_equal(dpxe_lease_journal_records(j), n);
	assert_int_equal(dpxe_lease_journal_close(j), 0);
}

struct seen {
	uint32_t n;
	bool mismatch;
};

static int
check_cb(void *arg, const struct dpxe_lease_record *r)
{
	struct seen *s = arg;
	struct dpxe_lease_record want;

	rec_of(s->n, &want);
	if (memcmp(&want, r, sizeof(want)) != 0)
		s->mismatch = true;
	s->n++;
	return 0;
}

static off_t
file_size(const char *p)
{
	struct stat sb;

	assert_int_equal(stat(p, &sb), 0);
	return sb.st_size;
}

static void
copy_file(const char *from, const char *to, off_t len)
{
	int in = open(from, O_RDONLY), out;
	static uint8_t buf[1 << 16];
	ssize_t n;

	assert_true(in >= 0);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(out >= 0);
	while (len > 0 && (n = read(in, buf, (size_t)(len < (off_t)sizeof(buf) ?
						   len : (off_t)sizeof(buf)))) > 0) {
		assert_int_equal(write(out, buf, (size_t)n), n);
		len -= n;
	}
	close(in);
	close(out);
}

static void
poke(const char *p, off_t off, uint8_t xor)
{
	int fd = open(p, O_RDWR);
	uint8_t b;

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &b, 1, off), 1);
	b ^= xor;
	assert_int_equal(pwrite(fd, &b, 1, off), 1);
	close(fd);
}

/* ---- */

static void
test_crc32c(void **state)
{
	(void)state;
	/* the check value of CRC-32C (iSCSI, RFC 3720 B.4) */
	assert_int_equal(dpxe_crc32c(0, "123456789", 9), 0xe3069283);
	assert_int_equal(dpxe_crc32c(0, "", 0), 0);
	/* continuing a CRC equals one pass */
	assert_int_equal(dpxe_crc32c(dpxe_crc32c(0, "1234", 4), "56789", 5),
			 0xe3069283);
}

static void
test_record_encoding(void **state)
{
	struct dpxe_lease_record r, back;
	uint8_t b[DPXE_LEASE_JOURNAL_REC_LEN];

	(void)state;
	rec_of(0x010203, &r);
	r.type = DPXE_LEASE_REC_BIND;
	r.expiry = -5; /* signed survives */
	dpxe_lease_record_encode(b, &r, 7);
	/* the documented layout */
	assert_int_equal(b[0], 1);
	assert_int_equal(b[1], 24);
	assert_memory_equal(b + 2, r.mac, 6);
	assert_memory_equal(b + 8, "\x0a\x01\x02\x03", 4); /* wire order */
	assert_memory_equal(b + 12, "\x0a\x01\x02\x00", 4);
	assert_memory_equal(b + 16, "\xfb\xff\xff\xff\xff\xff\xff\xff", 8);
	assert_memory_equal(b + 24, "\x07\x00\x00\x00", 4);
	assert_true(dpxe_lease_record_decode(b, 7, &back));
	assert_memory_equal(&back, &r, sizeof(r));
	assert_false(dpxe_lease_record_decode(b, 8, &back)); /* misplaced */
	for (int i = 0; i < DPXE_LEASE_JOURNAL_REC_LEN; i++) {
		b[i] ^= 0x10;
		assert_false(dpxe_lease_record_decode(b, 7, &back));
		b[i] ^= 0x10;
	}
	b[0] = 9; /* a type we do not know, with a good CRC */
	dpxe_lease_record_encode(b, &r, 7);
	b[0] = 9;
	memcpy(b + 28, (uint8_t[4]){ 0 }, 4);
	uint32_t c = dpxe_crc32c(0, b, 28);

	for (int i = 0; i < 4; i++)
		b[28 + i] = (uint8_t)(c >> (8 * i));
	assert_false(dpxe_lease_record_decode(b, 7, &back));
}

static void
test_round_trip(void **state)
{
	struct dpxe_lease_journal_stats st;
	struct seen s = { 0 };

	(void)state;
	write_journal(1000, 37);
	assert_int_equal(file_size(path), 32 + 1000 * 32);
	assert_int_equal(dpxe_lease_journal_replay(path, check_cb, &s, &st), 0);
	assert_int_equal(s.n, 1000);
	assert_false(s.mismatch);
	assert_int_equal(st.records, 1000);
	assert_int_equal(st.valid_bytes, 32 + 1000 * 32);
	assert_int_equal(st.discarded_bytes, 0);
	assert_int_equal(st.suspect_records, 0);

	/* reopened, it appends after what is there */
	struct dpxe_lease_journal *j;
	struct dpxe_lease_record r;

	assert_int_equal(dpxe_lease_journal_open(path, 0, &j, &st), 0);
	assert_int_equal(st.records, 1000);
	rec_of(1000, &r);
	assert_int_equal(dpxe_lease_journal_append_batch(j, &r, 1), 0);
	assert_int_equal(dpxe_lease_journal_pending(j), 1);
	assert_int_equal(dpxe_lease_journal_close(j), 0); /* flushes */
	s = (struct seen){ 0 };
	assert_int_equal(dpxe_lease_journal_replay(path, check_cb, &s, &st), 0);
	assert_int_equal(s.n, 1001);
	assert_false(s.mismatch);
}

static int
stop_cb(void *arg, const struct dpxe_lease_record *r)
{
	(void)r;
	return ++*(int *)arg == 3 ? -ECANCELED : 0;
}

static void
test_replay_callback_stops(void **state)
{
	int n = 0;

	(void)state;
	write_journal(10, 10);
	assert_int_equal(dpxe_lease_journal_replay(path, stop_cb, &n, NULL),
			 -ECANCELED);
	assert_int_equal(n, 3);
}

/* A crash tears the last record anywhere: cut at every byte, and flip
 * every byte; replay returns the records before it, open() cuts it off
 * and appends where it ends. */
static void
test_torn_tail_every_offset(void **state)
{
	enum { N = 20 };
	char cut[160];
	off_t full;

	(void)state;
	snprintf(cut, sizeof(cut), "%s.cut", path);
	write_journal(N, 7);
	full = file_size(path);
	for (int mode = 0; mode < 2; mode++)
		for (off_t b = 0; b < DPXE_LEASE_JOURNAL_REC_LEN; b++) {
			struct dpxe_lease_journal_stats st;
			struct dpxe_lease_journal *j;
			struct dpxe_lease_record r;
			struct seen s = { 0 };

			if (mode == 0) { /* short by 32 - b bytes */
				copy_file(path, cut, full - 32 + b);
			} else { /* whole, one byte bad */
				copy_file(path, cut, full);
				poke(cut, full - 32 + b, 0x41);
			}
			assert_int_equal(dpxe_lease_journal_replay(cut, check_cb,
								   &s, &st), 0);
			assert_int_equal(s.n, N - 1);
			assert_false(s.mismatch);
			assert_int_equal(st.valid_bytes, full - 32);
			assert_int_equal(st.discarded_bytes, mode ? 32 : b);
			assert_int_equal(st.suspect_records, 0);

			assert_int_equal(dpxe_lease_journal_open(cut, 4, &j,
								 &st), 0);
			assert_false(st.corrupt_saved);
			rec_of(N - 1, &r);
			assert_int_equal(dpxe_lease_journal_append_batch(j, &r,
									 1), 0);
			assert_int_equal(dpxe_lease_journal_close(j), 0);
			s = (struct seen){ 0 };
			assert_int_equal(dpxe_lease_journal_replay(cut, check_cb,
								   &s, &st), 0);
			assert_int_equal(s.n, N);
			assert_false(s.mismatch);
			assert_int_equal(st.discarded_bytes, 0);
		}
	unlink(cut);
}

/* A bad record with good ones after it is corruption: replay stops there,
 * and open() keeps the whole original as .corrupt before cutting. */
static void
test_corrupt_middle(void **state)
{
	struct dpxe_lease_journal_stats st;
	struct dpxe_lease_journal *j;
	struct seen s = { 0 };
	char corrupt[160];
	off_t full;

	(void)state;
	snprintf(corrupt, sizeof(corrupt), "%s.corrupt", path);
	write_journal(20, 20);
	full = file_size(path);
	poke(path, 32 + 5 * 32 + 9, 0x01);
	assert_int_equal(dpxe_lease_journal_replay(path, check_cb, &s, &st), 0);
	assert_int_equal(s.n, 5);
	assert_false(s.mismatch);
	assert_int_equal(st.discarded_bytes, 15 * 32);
	assert_int_equal(st.suspect_records, 14);

	assert_int_equal(dpxe_lease_journal_open(path, 0, &j, &st), 0);
	assert_true(st.corrupt_saved);
	assert_int_equal(dpxe_lease_journal_records(j), 5);
	assert_int_equal(dpxe_lease_journal_close(j), 0);
	assert_int_equal(file_size(corrupt), full);
	assert_int_equal(file_size(path), 32 + 5 * 32);
	s = (struct seen){ 0 };
	assert_int_equal(dpxe_lease_journal_replay(path, check_cb, &s, &st), 0);
	assert_int_equal(s.n, 5);
	assert_int_equal(st.discarded_bytes, 0);
	s = (struct seen){ 0 };
	assert_int_equal(dpxe_lease_journal_replay(corrupt, check_cb, &s, &st),
			 0);
	assert_int_equal(st.suspect_records, 14);
}

static void
test_headers(void **state)
{
	struct dpxe_lease_journal_stats st;
	struct dpxe_lease_journal *j;
	int fd;

	(void)state;
	rm("");
	assert_int_equal(dpxe_lease_journal_replay(path, NULL, NULL, &st),
			 -ENOENT);
	/* empty file, torn header: an empty journal that open() rewrites */
	write_journal(0, 1);
	assert_int_equal(file_size(path), 32);
	for (off_t len = 0; len < 32; len++) {
		write_journal(0, 1);
		assert_int_equal(truncate(path, len), 0);
		assert_int_equal(dpxe_lease_journal_replay(path, NULL, NULL,
							   &st), 0);
		assert_int_equal(st.records, 0);
		assert_int_equal(st.discarded_bytes, len);
		assert_int_equal(dpxe_lease_journal_open(path, 0, &j, NULL), 0);
		assert_int_equal(dpxe_lease_journal_close(j), 0);
		assert_int_equal(file_size(path), 32);
	}
	/* not a journal: refused, and left alone */
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, "hello, this is not a lease journal", 34),
			 34);
	close(fd);
	assert_int_equal(dpxe_lease_journal_replay(path, NULL, NULL, &st),
			 -EINVAL);
	assert_int_equal(dpxe_lease_journal_open(path, 0, &j, NULL), -EINVAL);
	assert_int_equal(file_size(path), 34);
	/* header CRC, version, flags */
	static const struct {
		off_t off;
		int want;
	} bad[] = { { 3, -EINVAL }, { 20, -EINVAL }, { 8, -ENOTSUP },
		    { 10, -ENOTSUP }, { 12, -ENOTSUP } };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t h[32];
		uint32_t c;

		write_journal(3, 3);
		fd = open(path, O_RDWR);
		assert_int_equal(pread(fd, h, 32, 0), 32);
		h[bad[i].off] ^= 0x02;
		if (bad[i].want == -ENOTSUP) { /* with a good CRC */
			c = dpxe_crc32c(0, h, 28);
			for (int k = 0; k < 4; k++)
				h[28 + k] = (uint8_t)(c >> (8 * k));
		}
		assert_int_equal(pwrite(fd, h, 32, 0), 32);
		close(fd);
		assert_int_equal(dpxe_lease_journal_replay(path, NULL, NULL,
							   &st), bad[i].want);
	}
}

/* Buffered records hit the file only on flush or when the buffer fills. */
static void
test_batching(void **state)
{
	struct dpxe_lease_journal *j;
	struct dpxe_lease_record r[10];
	struct dpxe_lease_journal_stats st;

	(void)state;
	rm("");
	assert_int_equal(dpxe_lease_journal_open(path, 4, &j, NULL), 0);
	for (uint32_t i = 0; i < 10; i++)
		rec_of(i, &r[i]);
	assert_int_equal(dpxe_lease_journal_append_batch(j, r, 3), 0);
	assert_int_equal(file_size(path), 32);
	assert_int_equal(dpxe_lease_journal_append_batch(j, r + 3, 7), 0);
	/* 4 + 4 flushed on the way, 2 waiting */
	assert_int_equal(dpxe_lease_journal_records(j), 8);
	assert_int_equal(dpxe_lease_journal_pending(j), 2);
	assert_int_equal(file_size(path), 32 + 8 * 32);
	assert_int_equal(dpxe_lease_journal_flush(j), 0);
	assert_int_equal(dpxe_lease_journal_flush(j), 0); /* nothing to do */
	assert_int_equal(dpxe_lease_journal_close(j), 0);
	assert_int_equal(dpxe_lease_journal_replay(path, NULL, NULL, &st), 0);
	assert_int_equal(st.records, 10);
	assert_int_equal(dpxe_lease_journal_close(NULL), 0);
}

/* kill -9 after a flush and more appends: exactly the flushed records
 * survive. */
static void
test_kill9_loses_unflushed(void **state)
{
	struct dpxe_lease_journal_stats st;
	struct seen s = { 0 };
	int status;
	pid_t pid;

	(void)state;
	rm("");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct dpxe_lease_journal *j;
		struct dpxe_lease_record r[15];

		if (dpxe_lease_journal_open(path, 64, &j, NULL) != 0)
			_exit(1);
		for (uint32_t i = 0; i < 15; i++)
			rec_of(i, &r[i]);
		if (dpxe_lease_journal_append_batch(j, r, 10) != 0 ||
		    dpxe_lease_journal_flush(j) != 0 ||
		    dpxe_lease_journal_append_batch(j, r + 10, 5) != 0)
			_exit(1);
		raise(SIGKILL);
		_exit(2);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	assert_int_equal(dpxe_lease_journal_replay(path, check_cb, &s, &st), 0);
	assert_int_equal(s.n, 10);
	assert_false(s.mismatch);
	assert_int_equal(st.discarded_bytes, 0);
}

/* Compaction with an iterator: the file is replaced by exactly its
 * records, and appends continue after them. */
struct iter {
	uint32_t i, n;
};

static int
iter_next(void *arg, struct dpxe_lease_record *r)
{
	struct iter *it = arg;

	if (it->i == it->n)
		return 0;
	rec_of(it->i++, r);
	return 1;
}

static int
iter_fail(void *arg, struct dpxe_lease_record *r)
{
	(void)arg;
	(void)r;
	return -EIO;
}

static void
test_compact_file(void **state)
{
	struct dpxe_lease_journal_stats st;
	struct dpxe_lease_journal *j;
	struct dpxe_lease_record r;
	struct iter it = { 0, 40 };
	struct seen s = { 0 };
	char tmp[160];

	(void)state;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	write_journal(100, 10);
	assert_int_equal(dpxe_lease_journal_open(path, 8, &j, NULL), 0);
	rec_of(100, &r);
	assert_int_equal(dpxe_lease_journal_append_batch(j, &r, 1), 0);
	/* a failing snapshot leaves the old file in use */
	assert_int_equal(dpxe_lease_journal_compact(j, iter_fail, NULL), -EIO);
	assert_int_equal(access(tmp, F_OK), -1);
	assert_int_equal(dpxe_lease_journal_records(j), 101);
	assert_int_equal(dpxe_lease_journal_compact(j, iter_next, &it), 0);
	assert_int_equal(dpxe_lease_journal_records(j), 40);
	rec_of(40, &r);
	assert_int_equal(dpxe_lease_journal_append_batch(j, &r, 1), 0);
	assert_int_equal(dpxe_lease_journal_close(j), 0);
	assert_int_equal(dpxe_lease_journal_replay(path, check_cb, &s, &st), 0);
	assert_int_equal(s.n, 41);
	assert_false(s.mismatch);
	assert_int_equal(st.discarded_bytes, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32c),
		cmocka_unit_test(test_record_encoding),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_replay_callback_stops),
		cmocka_unit_test(test_torn_tail_every_offset),
		cmocka_unit_test(test_corrupt_middle),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_batching),
		cmocka_unit_test(test_kill9_loses_unflushed),
		cmocka_unit_test(test_compact_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
