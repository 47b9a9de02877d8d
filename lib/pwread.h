/*
 * pwread.h - read a password from a file, a pipe or the terminal, never
 *	from the command line
 *
 * SYNOPSIS
 *	#include "pwread.h"
 *
 *	int	pwread_line(FILE *fp, char *buf, size_t len);
 *	int	pwread_file(const char *path, char *buf, size_t len);
 *	int	pwread_tty(const char *prompt, char *buf, size_t len);
 *	const char *pwread_strerror(int err);
 *	void	pwread_wipe(void *p, size_t len);
 *
 * DESCRIPTION
 *	A password on the command line is visible to every user of the
 *	host in the process list (ps, /proc/PID/cmdline); the tools take
 *	theirs from here instead.
 *
 *	pwread_line() reads one line from fp into buf, without its line end
 *	("\n" or "\r\n"). pwread_file() reads the first line of the file
 *	path. pwread_tty() writes prompt to the controlling terminal
 *	(/dev/tty) and reads one line from it with echo off, restoring the
 *	terminal's modes after; a newline is echoed in place of the input.
 *
 * ERRORS
 *	Each returns 0, or a negative number that pwread_strerror() turns
 *	into text: -errno when the system refused (no such file, no
 *	terminal), -EMSGSIZE when the line does not fit in buf (len - 1
 *	characters at most), -ENODATA when there was no line at all (an
 *	empty file, end of input). An empty line is a password of length
 *	0, not an error.
 *
 * OWNERSHIP
 *	buf is the caller's; after use the caller clears it with
 *	pwread_wipe(), which the compiler may not optimise away.
 */
#ifndef X400_PWREAD_H
#define X400_PWREAD_H

#include <stddef.h>
#include <stdio.h>

int	pwread_line(FILE *fp, char *buf, size_t len);
int	pwread_file(const char *path, char *buf, size_t len);
int	pwread_tty(const char *prompt, char *buf, size_t len);
const char *pwread_strerror(int err);
void	pwread_wipe(void *p, size_t len);

#endif
