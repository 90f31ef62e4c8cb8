/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Run the dpxe binary on pcap files: fork, exec with EAL arguments for the
 * pcap PMD (no hugepages, no PCI, no root), wait with a deadline, and tidy
 * up the EAL runtime directory its unique file prefix left behind.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "e2e.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Where EAL keeps the files of a prefix (eal_get_runtime_dir()). */
static void
remove_runtime_dir(const char *prefix)
{
	const char *base = "/var/run";
	char dir[512], path[1024];
	struct dirent *e;
	DIR *d;

	if (getuid() != 0)
		base = getenv("XDG_RUNTIME_DIR") ? getenv("XDG_RUNTIME_DIR") :
						   "/tmp";
	snprintf(dir, sizeof(dir), "%s/dpdk/%s", base, prefix);
	d = opendir(dir);
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

int
e2e_run_dpxe(struct e2e_run *r, char *err, size_t err_len)
{
	static unsigned int runs;
	char prefix[64], vdev[4096], *argv[32];
	size_t off;
	int argc = 0, status, fd;
	double t0, deadline;
	pid_t pid, w;

	snprintf(prefix, sizeof(prefix), "dpxe-e2e-%ld-%u", (long)getpid(),
		 runs++);
	off = (size_t)snprintf(vdev, sizeof(vdev), "--vdev=net_pcap0");
	for (unsigned int i = 0; i < r->nq && off < sizeof(vdev); i++)
		off += (size_t)snprintf(vdev + off, sizeof(vdev) - off,
					",rx_pcap=%s", r->rx[i]);
	for (unsigned int i = 0; i < r->nq && off < sizeof(vdev); i++)
		off += (size_t)snprintf(vdev + off, sizeof(vdev) - off,
					",tx_pcap=%s", r->tx[i]);
	if (off >= sizeof(vdev)) {
		snprintf(err, err_len, "pcap paths too long");
		return -1;
	}

	argv[argc++] = (char *)r->dpxe;
	argv[argc++] = (char *)"--no-huge";
	argv[argc++] = (char *)"-m";
	argv[argc++] = (char *)"512";
	argv[argc++] = (char *)"--no-pci";
	argv[argc++] = (char *)"-l";
	argv[argc++] = (char *)r->lcores;
	argv[argc++] = (char *)"--file-prefix";
	argv[argc++] = prefix;
	argv[argc++] = vdev;
	argv[argc++] = (char *)"--";
	argv[argc++] = (char *)"-c";
	argv[argc++] = (char *)r->config;
	argv[argc++] = (char *)"--idle-exit";
	argv[argc++] = (char *)"300";
	argv[argc++] = (char *)"--stats-json";
	argv[argc++] = (char *)r->stats_json;
	argv[argc] = NULL;

	fflush(NULL);
	t0 = now_s();
	pid = fork();
	if (pid < 0) {
		snprintf(err, err_len, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		/* its own process group: a timeout kills whatever it started */
		setpgid(0, 0);
		fd = open(r->log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			close(fd);
		}
		execv(r->dpxe, argv);
		fprintf(stderr, "exec %s: %s\n", r->dpxe, strerror(errno));
		_exit(127);
	}

	deadline = t0 + r->timeout_s;
	while ((w = waitpid(pid, &status, WNOHANG)) == 0) {
		if (now_s() > deadline) {
			/* our own child and its process group, by its pid */
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			remove_runtime_dir(prefix);
			snprintf(err, err_len, "dpxe still running after %u s: "
				 "killed (log: %s)", r->timeout_s, r->log);
			return -1;
		}
		usleep(5000);
	}
	r->seconds = now_s() - t0;
	remove_runtime_dir(prefix);
	if (w < 0) {
		snprintf(err, err_len, "waitpid: %s", strerror(errno));
		return -1;
	}
	if (WIFSIGNALED(status)) {
		snprintf(err, err_len, "dpxe died of signal %d (log: %s)",
			 WTERMSIG(status), r->log);
		return -1;
	}
	return WEXITSTATUS(status);
}
