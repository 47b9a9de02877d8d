/*
 * srcshim.c - LD_PRELOAD shim: a multihomed host's choice of source
 *	       address, emulated on loopback (tests only)
 *
 * SYNOPSIS
 *	cc -shared -fPIC -o srcshim.so tests/support/preload/srcshim.c -ldl
 *	X400_SHIM_SRC="127.0.0.2,127.0.0.3" X400_SHIM_SEED=42 \
 *	X400_SHIM_LOG=/tmp/choices LD_PRELOAD=./srcshim.so x400d -c a.conf
 *
 * DESCRIPTION
 *	On a multihomed host the kernel picks the source address of an
 *	outgoing connection that the program did not bind, and the pick
 *	can differ from one connection to the next (Microsoft KB Q197378:
 *	Exchange 5.5 on a server with two addresses). On Linux loopback
 *	the kernel always picks 127.0.0.1, so the tests of issue 6 need
 *	this shim to play the operating system's part:
 *
 *	For connect() on an IPv4 TCP socket that is not bound yet (its
 *	local address is 0.0.0.0 port 0), the shim first binds it to one
 *	of the addresses in X400_SHIM_SRC (comma- or space-separated
 *	numeric IPv4), chosen at random, port 0; then it calls the real
 *	connect(). A socket the program bound itself (a configured
 *	source address) is left alone, as the kernel would leave it.
 *	Other families and socket types are left alone too.
 *
 *	X400_SHIM_SEED (a number) makes the choices repeatable; without
 *	it they are seeded from the time and the process id.
 *	X400_SHIM_LOG, when set, is a file to which each choice is
 *	appended as one line, "bound ADDR" or "kept ADDR" (the program's
 *	own binding), so a test can prove the shim was active.
 *
 *	It lives in its own folder because every .c file of tests/support is
 *	linked into the unit tests, where a connect() of ours must not
 *	be. This is not part of x400d and is never installed: x400d's own
 *	source binding is osi/conn.c (conn_connect with conn_opts.src).
 *
 * DIAGNOSTICS
 *	A malformed X400_SHIM_SRC entry is skipped; if the bind fails the
 *	shim logs "failed ADDR errno" and lets connect() go on unbound.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef int connect_fn(int, const struct sockaddr *, socklen_t);

/* Declared here so that -Wmissing-prototypes stays quiet. */
int connect(int fd, const struct sockaddr *sa, socklen_t len);

static uint64_t shim_state;

/* shim_random - xorshift64*, seeded once */
static uint64_t shim_random(void)
{
	if (shim_state == 0) {
		const char *s = getenv("X400_SHIM_SEED");

		shim_state = s ? strtoull(s, NULL, 10) :
		    (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
		shim_state = shim_state * 2654435761u + 0x9e3779b97f4a7c15ull;
		if (shim_state == 0)
			shim_state = 1;
	}
	shim_state ^= shim_state >> 12;
	shim_state ^= shim_state << 25;
	shim_state ^= shim_state >> 27;
	return shim_state * 0x2545f4914f6cdd1dull;
}

/* shim_note - one line to X400_SHIM_LOG, if set */
static void shim_note(const char *what, const char *addr, int err)
{
	const char *path = getenv("X400_SHIM_LOG");
	char line[128];
	int fd, n;

	if (path == NULL)
		return;
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644)) < 0)
		return;
	n = err ? snprintf(line, sizeof(line), "%s %s %d\n", what, addr, err) :
	    snprintf(line, sizeof(line), "%s %s\n", what, addr);
	if (n > 0 && write(fd, line, (size_t)n) < 0)
		n = 0;
	close(fd);
}

/* shim_pick - the i-th usable address of X400_SHIM_SRC at random */
static int shim_pick(struct in_addr *out, char *text, size_t textlen)
{
	const char *list = getenv("X400_SHIM_SRC");
	struct in_addr addrs[16];
	char buf[512], *tok, *save = NULL;
	size_t n = 0, k;

	if (list == NULL || strlen(list) >= sizeof(buf))
		return -1;
	strcpy(buf, list);
	for (tok = strtok_r(buf, ", ", &save); tok && n < 16;
	     tok = strtok_r(NULL, ", ", &save))
		if (inet_pton(AF_INET, tok, &addrs[n]) == 1)
			n++;
	if (n == 0)
		return -1;
	k = (size_t)(shim_random() % n);
	*out = addrs[k];
	inet_ntop(AF_INET, out, text, (socklen_t)textlen);
	return 0;
}

/* connect - bind an unbound IPv4 TCP socket first, as a multihomed
 *	host's routing would choose */
int connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	static connect_fn *real;
	struct sockaddr_in local, src;
	socklen_t llen = sizeof(local);
	int type = 0;
	socklen_t tlen = sizeof(type);
	char text[INET_ADDRSTRLEN];

	if (real == NULL)
		real = (connect_fn *)dlsym(RTLD_NEXT, "connect");
	if (sa == NULL || sa->sa_family != AF_INET ||
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen) != 0 ||
	    type != SOCK_STREAM ||
	    getsockname(fd, (struct sockaddr *)&local, &llen) != 0 ||
	    local.sin_family != AF_INET)
		return real(fd, sa, len);
	if (local.sin_port != 0 || local.sin_addr.s_addr != INADDR_ANY) {
		inet_ntop(AF_INET, &local.sin_addr, text, sizeof(text));
		shim_note("kept", text, 0);
		return real(fd, sa, len);
	}
	memset(&src, 0, sizeof(src));
	src.sin_family = AF_INET;
	if (shim_pick(&src.sin_addr, text, sizeof(text)) != 0)
		return real(fd, sa, len);
	if (bind(fd, (struct sockaddr *)&src, sizeof(src)) != 0)
		shim_note("failed", text, errno);
	else
		shim_note("bound", text, 0);
	return real(fd, sa, len);
}
