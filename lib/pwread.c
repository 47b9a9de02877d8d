/*
 * pwread.c - read a password from a file, a pipe or the terminal
 *	(pwread.h)
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>

#include "pwread.h"

/* pwread_line - one line from fp without its end */
int pwread_line(FILE *fp, char *buf, size_t len)
{
	size_t n;
	int c;

	if (len < 2 || len > (size_t)1 << 30)
		return -EINVAL;
	if (fgets(buf, (int)len, fp) == NULL)
		return ferror(fp) ? -EIO : -ENODATA;
	n = strlen(buf);
	if (n && buf[n - 1] == '\n') {
		buf[--n] = 0;
	} else if ((c = getc(fp)) != '\n' && c != EOF) {
		pwread_wipe(buf, len);
		return -EMSGSIZE;	/* longer than the buffer */
	}
	if (n && buf[n - 1] == '\r')
		buf[--n] = 0;
	return 0;
}

/* pwread_file - the first line of path */
int pwread_file(const char *path, char *buf, size_t len)
{
	FILE *fp = fopen(path, "r");
	int rc;

	if (fp == NULL)
		return -errno;
	rc = pwread_line(fp, buf, len);
	fclose(fp);
	return rc;
}

/* pwread_tty - prompt on the terminal and read a line without echo */
int pwread_tty(const char *prompt, char *buf, size_t len)
{
	struct termios old, quiet;
	FILE *tty = fopen("/dev/tty", "r+");
	int rc;

	if (tty == NULL)
		return -errno;
	if (tcgetattr(fileno(tty), &old) < 0) {
		rc = -errno;
		fclose(tty);
		return rc;
	}
	fputs(prompt, tty);
	fflush(tty);
	quiet = old;
	quiet.c_lflag &= (tcflag_t)~(ECHO | ECHONL);
	tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	rc = pwread_line(tty, buf, len);
	tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputs("\n", tty);
	fclose(tty);
	return rc;
}

/* pwread_strerror - the text of an error of this module */
const char *pwread_strerror(int err)
{
	switch (err) {
	case 0: return "no error";
	case -EMSGSIZE: return "the line is too long for a password";
	case -ENODATA: return "no line to read";
	default: return strerror(-err);
	}
}

/* pwread_wipe - clear a password; a volatile pointer keeps the stores */
void pwread_wipe(void *p, size_t len)
{
	volatile unsigned char *v = p;

	while (len--)
		*v++ = 0;
}
