/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The lease journal: record encoding, CRC32C, replay, the append/flush
 * writer and compaction. Format and threading rules in lease_journal.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lease_journal.h"

struct dpxe_lease_journal {
	int fd;
	char *path;
	uint64_t size;     /* bytes known good on disk */
	uint64_t records;  /* records in the file */
	uint32_t cap;      /* records the buffer holds */
	uint32_t pending;  /* records in the buffer */
	uint8_t *buf;      /* encoded, cap * REC_LEN bytes */
};

/* ---- CRC32C: reflected polynomial 0x82f63b78, one table, byte-wise ---- */

static const uint32_t crc32c_table[256] = {
	0x00000000, 0xf26b8303, 0xe13b70f7, 0x1350f3f4, 0xc79a971f, 0x35f1141c,
	0x26a1e7e8, 0xd4ca64eb, 0x8ad958cf, 0x78b2dbcc, 0x6be22838, 0x9989ab3b,
	0x4d43cfd0, 0xbf284cd3, 0xac78bf27, 0x5e133c24, 0x105ec76f, 0xe235446c,
	0xf165b798, 0x030e349b, 0xd7c45070, 0x25afd373, 0x36ff2087, 0xc494a384,
	0x9a879fa0, 0x68ec1ca3, 0x7bbcef57, 0x89d76c54, 0x5d1d08bf, 0xaf768bbc,
	0xbc267848, 0x4e4dfb4b, 0x20bd8ede, 0xd2d60ddd, 0xc186fe29, 0x33ed7d2a,
	0xe72719c1, 0x154c9ac2, 0x061c6936, 0xf477ea35, 0xaa64d611, 0x580f5512,
	0x4b5fa6e6, 0xb93425e5, 0x6dfe410e, 0x9f95c20d, 0x8cc531f9, 0x7eaeb2fa,
	0x30e349b1, 0xc288cab2, 0xd1d83946, 0x23b3ba45, 0xf779deae, 0x05125dad,
	0x1642ae59, 0xe4292d5a, 0xba3a117e, 0x4851927d, 0x5b016189, 0xa96ae28a,
	0x7da08661, 0x8fcb0562, 0x9c9bf696, 0x6ef07595, 0x417b1dbc, 0xb3109ebf,
	0xa0406d4b, 0x522bee48, 0x86e18aa3, 0x748a09a0, 0x67dafa54, 0x95b17957,
	0xcba24573, 0x39c9c670, 0x2a993584, 0xd8f2b687, 0x0c38d26c, 0xfe53516f,
	0xed03a29b, 0x1f682198, 0x5125dad3, 0xa34e59d0, 0xb01eaa24, 0x42752927,
	0x96bf4dcc, 0x64d4cecf, 0x77843d3b, 0x85efbe38, 0xdbfc821c, 0x2997011f,
	0x3ac7f2eb, 0xc8ac71e8, 0x1c661503, 0xee0d9600, 0xfd5d65f4, 0x0f36e6f7,
	0x61c69362, 0x93ad1061, 0x80fde395, 0x72966096, 0xa65c047d, 0x5437877e,
	0x4767748a, 0xb50cf789, 0xeb1fcbad, 0x197448ae, 0x0a24bb5a, 0xf84f3859,
	0x2c855cb2, 0xdeeedfb1, 0xcdbe2c45, 0x3fd5af46, 0x7198540d, 0x83f3d70e,
	0x90a324fa, 0x62c8a7f9, 0xb602c312, 0x44694011, 0x5739b3e5, 0xa55230e6,
	0xfb410cc2, 0x092a8fc1, 0x1a7a7c35, 0xe811ff36, 0x3cdb9bdd, 0xceb018de,
	0xdde0eb2a, 0x2f8b6829, 0x82f63b78, 0x709db87b, 0x63cd4b8f, 0x91a6c88c,
	0x456cac67, 0xb7072f64, 0xa457dc90, 0x563c5f93, 0x082f63b7, 0xfa44e0b4,
	0xe9141340, 0x1b7f9043, 0xcfb5f4a8, 0x3dde77ab, 0x2e8e845f, 0xdce5075c,
	0x92a8fc17, 0x60c37f14, 0x73938ce0, 0x81f80fe3, 0x55326b08, 0xa759e80b,
	0xb4091bff, 0x466298fc, 0x1871a4d8, 0xea1a27db, 0xf94ad42f, 0x0b21572c,
	0xdfeb33c7, 0x2d80b0c4, 0x3ed04330, 0xccbbc033, 0xa24bb5a6, 0x502036a5,
	0x4370c551, 0xb11b4652, 0x65d122b9, 0x97baa1ba, 0x84ea524e, 0x7681d14d,
	0x2892ed69, 0xdaf96e6a, 0xc9a99d9e, 0x3bc21e9d, 0xef087a76, 0x1d63f975,
	0x0e330a81, 0xfc588982, 0xb21572c9, 0x407ef1ca, 0x532e023e, 0xa145813d,
	0x758fe5d6, 0x87e466d5, 0x94b49521, 0x66df1622, 0x38cc2a06, 0xcaa7a905,
	0xd9f75af1, 0x2b9cd9f2, 0xff56bd19, 0x0d3d3e1a, 0x1e6dcdee, 0xec064eed,
	0xc38d26c4, 0x31e6a5c7, 0x22b65633, 0xd0ddd530, 0x0417b1db, 0xf67c32d8,
	0xe52cc12c, 0x1747422f, 0x49547e0b, 0xbb3ffd08, 0xa86f0efc, 0x5a048dff,
	0x8ecee914, 0x7ca56a17, 0x6ff599e3, 0x9d9e1ae0, 0xd3d3e1ab, 0x21b862a8,
	0x32e8915c, 0xc083125f, 0x144976b4, 0xe622f5b7, 0xf5720643, 0x07198540,
	0x590ab964, 0xab613a67, 0xb831c993, 0x4a5a4a90, 0x9e902e7b, 0x6cfbad78,
	0x7fab5e8c, 0x8dc0dd8f, 0xe330a81a, 0x115b2b19, 0x020bd8ed, 0xf0605bee,
	0x24aa3f05, 0xd6c1bc06, 0xc5914ff2, 0x37faccf1, 0x69e9f0d5, 0x9b8273d6,
	0x88d28022, 0x7ab90321, 0xae7367ca, 0x5c18e4c9, 0x4f48173d, 0xbd23943e,
	0xf36e6f75, 0x0105ec76, 0x12551f82, 0xe03e9c81, 0x34f4f86a, 0xc69f7b69,
	0xd5cf889d, 0x27a40b9e, 0x79b737ba, 0x8bdcb4b9, 0x988c474d, 0x6ae7c44e,
	0xbe2da0a5, 0x4c4623a6, 0x5f16d052, 0xad7d5351,
};

uint32_t
dpxe_crc32c(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;

	crc = ~crc;
	while (len--)
		crc = crc32c_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* ---- time ---- */

int64_t
dpxe_lease_mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

int64_t
dpxe_lease_wall_offset(void)
{
	struct timespec wall, mono;

	clock_gettime(CLOCK_REALTIME, &wall);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	return (int64_t)wall.tv_sec - (int64_t)mono.tv_sec;
}

/* ---- records ---- */

static void
put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void
put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint16_t
get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
get_le32(const uint8_t *p)
{
	uint32_t v = 0;

	for (int i = 3; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint64_t
get_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

void
dpxe_lease_record_make(struct dpxe_lease_record *r, uint8_t type,
		       const struct dpxe_lease_shard *s,
		       const struct dpxe_lease *l, int64_t mono_time,
		       int64_t wall_offset)
{
	memset(r, 0, sizeof(*r));
	r->type = type;
	memcpy(r->mac, l->mac, 6);
	r->ip = l->ip;
	if (dpxe_lease_shard_subnet_net(s, l->subnet, &r->subnet,
					&r->prefix) != 0) {
		r->subnet = 0;
		r->prefix = 0;
	}
	r->expiry = mono_time + wall_offset;
}

void
dpxe_lease_record_encode(uint8_t out[DPXE_LEASE_JOURNAL_REC_LEN],
			 const struct dpxe_lease_record *r, uint32_t seq)
{
	out[0] = r->type;
	out[1] = r->prefix;
	memcpy(out + 2, r->mac, 6);
	memcpy(out + 8, &r->ip, 4);      /* network order as it is */
	memcpy(out + 12, &r->subnet, 4);
	put_le64(out + 16, (uint64_t)r->expiry);
	put_le32(out + 24, seq);
	put_le32(out + 28, dpxe_crc32c(0, out, 28));
}

bool
dpxe_lease_record_decode(const uint8_t in[DPXE_LEASE_JOURNAL_REC_LEN],
			 uint32_t seq, struct dpxe_lease_record *r)
{
	if (get_le32(in + 28) != dpxe_crc32c(0, in, 28))
		return false;
	if (in[0] < DPXE_LEASE_REC_BIND || in[0] > DPXE_LEASE_REC_EXPIRE ||
	    in[1] > 32 || get_le32(in + 24) != seq)
		return false;
	r->type = in[0];
	r->prefix = in[1];
	memcpy(r->mac, in + 2, 6);
	memcpy(&r->ip, in + 8, 4);
	memcpy(&r->subnet, in + 12, 4);
	r->expiry = (int64_t)get_le64(in + 16);
	return true;
}

static void
header_encode(uint8_t out[DPXE_LEASE_JOURNAL_HDR_LEN])
{
	memset(out, 0, DPXE_LEASE_JOURNAL_HDR_LEN);
	memcpy(out, DPXE_LEASE_JOURNAL_MAGIC, 8);
	put_le16(out + 8, DPXE_LEASE_JOURNAL_VERSION);
	put_le16(out + 10, DPXE_LEASE_JOURNAL_REC_LEN);
	put_le64(out + 16, (uint64_t)time(NULL));
	put_le32(out + 28, dpxe_crc32c(0, out, 28));
}

static int
header_check(const uint8_t in[DPXE_LEASE_JOURNAL_HDR_LEN])
{
	if (memcmp(in, DPXE_LEASE_JOURNAL_MAGIC, 8) != 0 ||
	    get_le32(in + 28) != dpxe_crc32c(0, in, 28))
		return -EINVAL;
	if (get_le16(in + 8) != DPXE_LEASE_JOURNAL_VERSION ||
	    get_le16(in + 10) != DPXE_LEASE_JOURNAL_REC_LEN ||
	    get_le32(in + 12) != 0)
		return -ENOTSUP;
	return 0;
}

/* ---- replay ---- */

/* Read up to n bytes; fewer only at the end of the file. */
static ssize_t
read_full(int fd, uint8_t *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* Records come in through a buffer of this many. */
#define REPLAY_CHUNK 2048

int
dpxe_lease_journal_replay(const char *path, dpxe_lease_replay_fn cb,
			  void *arg, struct dpxe_lease_journal_stats *st)
{
	struct dpxe_lease_journal_stats local;
	uint8_t hdr[DPXE_LEASE_JOURNAL_HDR_LEN];
	uint8_t *buf = NULL;
	struct stat sb;
	ssize_t n;
	uint32_t seq = 0;
	bool bad = false;
	int fd, rc = 0;

	if (st == NULL)
		st = &local;
	memset(st, 0, sizeof(*st));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) != 0) {
		rc = -errno;
		goto out;
	}
	n = read_full(fd, hdr, sizeof(hdr));
	if (n < 0) {
		rc = (int)n;
		goto out;
	}
	if (n < (ssize_t)sizeof(hdr)) {
		/* empty, or a crash while the header was being written */
		if (memcmp(hdr, DPXE_LEASE_JOURNAL_MAGIC,
			   (size_t)n < 8 ? (size_t)n : 8) != 0)
			rc = -EINVAL;
		else
			st->discarded_bytes = (uint64_t)n;
		goto out;
	}
	rc = header_check(hdr);
	if (rc != 0)
		goto out;
	st->valid_bytes = sizeof(hdr);
	buf = malloc(REPLAY_CHUNK * DPXE_LEASE_JOURNAL_REC_LEN);
	if (buf == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	for (;;) {
		size_t recs;

		n = read_full(fd, buf, REPLAY_CHUNK * DPXE_LEASE_JOURNAL_REC_LEN);
		if (n < 0) {
			rc = (int)n;
			goto out;
		}
		recs = (size_t)n / DPXE_LEASE_JOURNAL_REC_LEN;
		for (size_t i = 0; i < recs; i++, seq++) {
			const uint8_t *p = buf + i * DPXE_LEASE_JOURNAL_REC_LEN;
			struct dpxe_lease_record r;

			if (!dpxe_lease_record_decode(p, seq, &r)) {
				bad = true;
			} else if (bad) {
				st->suspect_records++;
			} else {
				if (cb != NULL && (rc = cb(arg, &r)) != 0)
					goto out;
				st->records++;
				st->valid_bytes += DPXE_LEASE_JOURNAL_REC_LEN;
			}
		}
		if ((size_t)n < REPLAY_CHUNK * DPXE_LEASE_JOURNAL_REC_LEN)
			break;
	}
	st->discarded_bytes = (uint64_t)sb.st_size - st->valid_bytes;
out:
	free(buf);
	close(fd);
	return rc;
}

/* ---- files ---- */

static int
write_full(int fd, const uint8_t *buf, size_t n, uint64_t off)
{
	while (n > 0) {
		ssize_t w = pwrite(fd, buf, n, (off_t)off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		if (w == 0)
			return -EIO;
		buf += w;
		n -= (size_t)w;
		off += (uint64_t)w;
	}
	return 0;
}

static int
fsync_dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd, rc = 0;

	if (slash == NULL)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (dir == NULL)
		return -ENOMEM;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0)
		return -errno;
	if (fsync(fd) != 0)
		rc = -errno;
	close(fd);
	return rc;
}

static char *
path_with(const char *path, const char *suffix)
{
	size_t a = strlen(path), b = strlen(suffix);
	char *p = malloc(a + b + 1);

	if (p != NULL) {
		memcpy(p, path, a);
		memcpy(p + a, suffix, b + 1);
	}
	return p;
}

/*
 * Write a complete journal to "<path>.tmp" (header, then the records of
 * next(), or the first `copy_len` bytes past the header of copy_fd) and
 * rename it over path. *fd_out: the new file, open read-write.
 */
static int
replace_file(const char *path, dpxe_lease_iter_fn next, void *arg,
	     int copy_fd, uint64_t copy_len, uint8_t *buf, uint32_t cap,
	     int *fd_out, uint64_t *records_out)
{
	uint8_t hdr[DPXE_LEASE_JOURNAL_HDR_LEN];
	char *tmp = path_with(path, ".tmp");
	uint64_t off = 0, records = 0;
	uint32_t fill = 0;
	int fd, rc;

	if (tmp == NULL)
		return -ENOMEM;
	fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0) {
		rc = -errno;
		free(tmp);
		return rc;
	}
	header_encode(hdr);
	rc = write_full(fd, hdr, sizeof(hdr), 0);
	off = sizeof(hdr);
	while (rc == 0 && next != NULL) {
		struct dpxe_lease_record r;
		int more = next(arg, &r);

		if (more < 0)
			rc = more;
		if (more <= 0)
			break;
		dpxe_lease_record_encode(buf + (size_t)fill *
					 DPXE_LEASE_JOURNAL_REC_LEN, &r,
					 (uint32_t)records);
		records++;
		if (++fill == cap) {
			rc = write_full(fd, buf, (size_t)fill *
					DPXE_LEASE_JOURNAL_REC_LEN, off);
			off += (uint64_t)fill * DPXE_LEASE_JOURNAL_REC_LEN;
			fill = 0;
		}
	}
	if (rc == 0 && fill != 0) {
		rc = write_full(fd, buf, (size_t)fill *
				DPXE_LEASE_JOURNAL_REC_LEN, off);
		off += (uint64_t)fill * DPXE_LEASE_JOURNAL_REC_LEN;
	}
	/* the good prefix of an existing file, records kept as they are */
	while (rc == 0 && copy_len > 0) {
		size_t want = copy_len < (uint64_t)cap * DPXE_LEASE_JOURNAL_REC_LEN ?
			(size_t)copy_len : (size_t)cap * DPXE_LEASE_JOURNAL_REC_LEN;
		ssize_t got = pread(copy_fd, buf, want, (off_t)off);

		if (got <= 0) {
			rc = got < 0 ? -errno : -EIO;
			break;
		}
		rc = write_full(fd, buf, (size_t)got, off);
		off += (uint64_t)got;
		copy_len -= (uint64_t)got;
		records += (uint64_t)got / DPXE_LEASE_JOURNAL_REC_LEN;
	}
	if (rc == 0 && fsync(fd) != 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -errno;
	if (rc == 0)
		rc = fsync_dir_of(path);
	if (rc != 0) {
		close(fd);
		unlink(tmp);
		free(tmp);
		return rc;
	}
	free(tmp);
	*fd_out = fd;
	*records_out = records;
	return 0;
}

/* Keep the whole damaged file as "<path>.corrupt" for a post-mortem. */
static int
save_corrupt(const char *path)
{
	char *dst = path_with(path, ".corrupt");
	int rc;

	if (dst == NULL)
		return -ENOMEM;
	unlink(dst);
	/* a hard link is enough: the original inode is replaced, not cut */
	rc = link(path, dst) == 0 ? 0 : -errno;
	free(dst);
	return rc;
}

/* ---- the writer ---- */

int
dpxe_lease_journal_open(const char *path, uint32_t batch_records,
			struct dpxe_lease_journal **out,
			struct dpxe_lease_journal_stats *st)
{
	struct dpxe_lease_journal_stats local;
	struct dpxe_lease_journal *j;
	int rc;

	*out = NULL;
	if (st == NULL)
		st = &local;
	rc = dpxe_lease_journal_replay(path, NULL, NULL, st);
	if (rc != 0 && rc != -ENOENT)
		return rc;
	j = calloc(1, sizeof(*j));
	if (j == NULL)
		return -ENOMEM;
	j->fd = -1;
	j->cap = batch_records ? batch_records : 256;
	j->path = strdup(path);
	j->buf = malloc((size_t)j->cap * DPXE_LEASE_JOURNAL_REC_LEN);
	if (j->path == NULL || j->buf == NULL) {
		rc = -ENOMEM;
		goto fail;
	}

	if (rc == -ENOENT || st->valid_bytes < DPXE_LEASE_JOURNAL_HDR_LEN) {
		/* new, empty, or torn before its header was whole */
		rc = replace_file(path, NULL, NULL, -1, 0, j->buf, j->cap,
				  &j->fd, &j->records);
	} else if (st->discarded_bytes != 0 && st->suspect_records != 0) {
		/* corruption, not a crash: keep the evidence, then rewrite
		 * the good prefix into a fresh file */
		int old = open(path, O_RDONLY | O_CLOEXEC);

		if (old < 0) {
			rc = -errno;
			goto fail;
		}
		rc = save_corrupt(path);
		if (rc == 0)
			rc = replace_file(path, NULL, NULL, old,
					  st->valid_bytes -
					  DPXE_LEASE_JOURNAL_HDR_LEN,
					  j->buf, j->cap, &j->fd, &j->records);
		close(old);
		st->corrupt_saved = rc == 0;
	} else {
		j->fd = open(path, O_RDWR | O_CLOEXEC);
		if (j->fd < 0) {
			rc = -errno;
			goto fail;
		}
		rc = 0;
		if (st->discarded_bytes != 0 &&
		    (ftruncate(j->fd, (off_t)st->valid_bytes) != 0 ||
		     fsync(j->fd) != 0))
			rc = -errno;
		j->records = st->records;
	}
	if (rc != 0)
		goto fail;
	j->size = DPXE_LEASE_JOURNAL_HDR_LEN +
		  j->records * DPXE_LEASE_JOURNAL_REC_LEN;
	*out = j;
	return 0;
fail:
	if (j->fd >= 0)
		close(j->fd);
	free(j->buf);
	free(j->path);
	free(j);
	return rc;
}

int
dpxe_lease_journal_flush(struct dpxe_lease_journal *j)
{
	size_t len = (size_t)j->pending * DPXE_LEASE_JOURNAL_REC_LEN;
	int rc;

	if (j->pending == 0)
		return 0;
	rc = write_full(j->fd, j->buf, len, j->size);
	if (rc == 0 && fdatasync(j->fd) != 0)
		rc = -errno;
	if (rc != 0) {
		/* never leave half a batch for the next one to follow */
		if (ftruncate(j->fd, (off_t)j->size) != 0) {
			/* replay stops at the torn part anyway */
		}
		return rc;
	}
	j->size += len;
	j->records += j->pending;
	j->pending = 0;
	return 0;
}

int
dpxe_lease_journal_append_batch(struct dpxe_lease_journal *j,
				const struct dpxe_lease_record *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (j->pending == j->cap) {
			int rc = dpxe_lease_journal_flush(j);

			if (rc != 0)
				return rc;
		}
		dpxe_lease_record_encode(j->buf + (size_t)j->pending *
					 DPXE_LEASE_JOURNAL_REC_LEN, &r[i],
					 (uint32_t)(j->records + j->pending));
		j->pending++;
	}
	return 0;
}

int
dpxe_lease_journal_compact(struct dpxe_lease_journal *j,
			   dpxe_lease_iter_fn next, void *arg)
{
	uint64_t records;
	int fd, rc;

	rc = dpxe_lease_journal_flush(j);
	if (rc != 0)
		return rc;
	rc = replace_file(j->path, next, arg, -1, 0, j->buf, j->cap, &fd,
			  &records);
	if (rc != 0)
		return rc;
	close(j->fd);
	j->fd = fd;
	j->records = records;
	j->size = DPXE_LEASE_JOURNAL_HDR_LEN +
		  records * DPXE_LEASE_JOURNAL_REC_LEN;
	return 0;
}

uint64_t
dpxe_lease_journal_records(const struct dpxe_lease_journal *j)
{
	return j->records;
}

uint32_t
dpxe_lease_journal_pending(const struct dpxe_lease_journal *j)
{
	return j->pending;
}

int
dpxe_lease_journal_close(struct dpxe_lease_journal *j)
{
	int rc;

	if (j == NULL)
		return 0;
	rc = dpxe_lease_journal_flush(j);
	close(j->fd);
	free(j->buf);
	free(j->path);
	free(j);
	return rc;
}
