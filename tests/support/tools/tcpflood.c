/*
 * tcpflood.c - hold many TCP connections open against a listener, as a
 *	caller that never binds would (tests/integration/frontdoor.sh)
 *
 * usage: tcpflood -a ADDR:PORT -s SRC[,SRC...] -n N -t SECS [-c] [-r RATE]
 *
 * Keeps N connections open to ADDR:PORT from the source addresses SRC
 * (round robin) for SECS seconds: each one the listener closes is
 * opened again, at most RATE new connections a second (default 1000).
 * With -c each connection sends an X.224 CR TPDU (called TSEL "x400")
 * and then nothing, like a caller that stops before its session; without
 * it, nothing at all. Prints "opened N, closed by the peer M, held at
 * most H" at the end. IPv4 only; exit status 0, or 2 on a usage error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXC	4096
#define MAXSRC	64

struct flood {
	struct sockaddr_in dst;
	struct sockaddr_in src[MAXSRC];
	int		nsrc, next_src, n, cr;
	double		rate;
	struct pollfd	pfd[MAXC];
	int		connecting[MAXC];
	unsigned long	opened, closed, held, maxheld;
};

/* A CR TPDU in a TPKT: class 0, called TSEL "x400" (X.224 13.3) */
static const unsigned char cr_tpdu[] = {
	0x03, 0x00, 0x00, 0x11,			/* TPKT, 17 octets */
	0x0c, 0xe0, 0x00, 0x00, 0x00, 0x01, 0x00,	/* LI 12, CR, class 0 */
	0xc2, 0x04, 'x', '4', '0', '0'		/* called TSAP selector */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse_addr(const char *s, struct sockaddr_in *sa, int port_needed)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	size_t n = colon && port_needed ? (size_t)(colon - s) : strlen(s);

	if (n >= sizeof(host) || (port_needed && colon == NULL))
		return -1;
	memcpy(host, s, n);
	host[n] = 0;
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	if (port_needed)
		sa->sin_port = htons((unsigned short)atoi(colon + 1));
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

/* open_one - a non-blocking connect into slot i; 0, or -1 */
static int open_one(struct flood *f, int i)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	fcntl(fd, F_SETFL, O_NONBLOCK);
	if (bind(fd, (struct sockaddr *)&f->src[f->next_src], sizeof(f->src[0]))
	    != 0) {
		close(fd);
		return -1;
	}
	f->next_src = (f->next_src + 1) % f->nsrc;
	if (connect(fd, (struct sockaddr *)&f->dst, sizeof(f->dst)) != 0 &&
	    errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	f->pfd[i].fd = fd;
	f->pfd[i].events = POLLOUT;
	f->connecting[i] = 1;
	f->opened++;
	return 0;
}

/* event - slot i is ready: connected, or closed by the peer */
static void event(struct flood *f, int i)
{
	char buf[512];
	ssize_t r;

	if (f->connecting[i]) {
		int err = 0;
		socklen_t len = sizeof(err);

		getsockopt(f->pfd[i].fd, SOL_SOCKET, SO_ERROR, &err, &len);
		f->connecting[i] = 0;
		if (err == 0) {
			f->held++;
			if (f->held > f->maxheld)
				f->maxheld = f->held;
			if (f->cr && write(f->pfd[i].fd, cr_tpdu,
					   sizeof(cr_tpdu)) < 0)
				err = errno;
			f->pfd[i].events = POLLIN;
			if (err == 0)
				return;
			f->held--;
		}
	} else {
		r = read(f->pfd[i].fd, buf, sizeof(buf));
		if (r > 0 || (r < 0 && errno == EAGAIN))
			return;		/* a CC, say: keep it */
		f->held--;
	}
	f->closed++;
	close(f->pfd[i].fd);
	f->pfd[i].fd = -1;
}

static void run(struct flood *f, double secs)
{
	double start = now_s(), budget = 0, last = start;

	for (int i = 0; i < f->n; i++)
		f->pfd[i].fd = -1;
	while (now_s() - start < secs) {
		double t = now_s();

		budget += (t - last) * f->rate;
		last = t;
		if (budget > f->rate)
			budget = f->rate;
		for (int i = 0; i < f->n && budget >= 1; i++)
			if (f->pfd[i].fd < 0 && open_one(f, i) == 0)
				budget -= 1;
		if (poll(f->pfd, (nfds_t)f->n, 10) <= 0)
			continue;
		for (int i = 0; i < f->n; i++)
			if (f->pfd[i].fd >= 0 && f->pfd[i].revents)
				event(f, i);
	}
}

int main(int argc, char **argv)
{
	static struct flood f;
	double secs = 10;
	int ch;

	f.rate = 1000;
	while ((ch = getopt(argc, argv, "a:s:n:t:cr:")) != -1) {
		switch (ch) {
		case 'a':
			if (parse_addr(optarg, &f.dst, 1) != 0)
				goto usage;
			break;
		case 's':
			for (char *p = strtok(optarg, ","); p && f.nsrc < MAXSRC;
			     p = strtok(NULL, ","))
				if (parse_addr(p, &f.src[f.nsrc++], 0) != 0)
					goto usage;
			break;
		case 'n':
			f.n = atoi(optarg);
			break;
		case 't':
			secs = atof(optarg);
			break;
		case 'c':
			f.cr = 1;
			break;
		case 'r':
			f.rate = atof(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (f.dst.sin_port == 0 || f.nsrc == 0 || f.n < 1 || f.n > MAXC ||
	    f.rate <= 0)
		goto usage;
	run(&f, secs);
	printf("opened %lu, closed by the peer %lu, held at most %lu\n",
	       f.opened, f.closed, f.maxheld);
	return 0;
usage:
	fprintf(stderr, "usage: tcpflood -a ADDR:PORT -s SRC[,SRC...] -n N "
		"-t SECS [-c] [-r RATE]\n");
	return 2;
}
