/*
 * replay_main.c - run a layer's fuzz entry over its stored inputs
 *
 * SYNOPSIS
 *	replay_<layer> DIR...
 *
 * DESCRIPTION
 *	Linked with one tests/fuzz/target_<layer>.c, built under ASan and
 *	UBSan: feeds every file in each DIR (the seed corpus, and every
 *	crash ever found) to LLVMFuzzerTestOneInput. One TAP line; a crash
 *	ends the run. A layer with no stored input at all fails, so that a
 *	target cannot silently replay nothing.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* replay_dir - feed every regular file in dir; returns the count */
static int replay_dir(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		char path[4096];
		unsigned char *buf;
		FILE *fp;
		long len;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if ((fp = fopen(path, "rb")) == NULL)
			continue;
		fseek(fp, 0, SEEK_END);
		len = ftell(fp);
		rewind(fp);
		buf = malloc(len > 0 ? (size_t)len : 1);
		if (buf && fread(buf, 1, (size_t)len, fp) == (size_t)len) {
			LLVMFuzzerTestOneInput(buf, (size_t)len);
			n++;
		}
		free(buf);
		fclose(fp);
	}
	closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	int i, n = 0;

	for (i = 1; i < argc; i++)
		n += replay_dir(argv[i]);
	printf("1..1\n");
	if (n == 0) {
		printf("not ok 1 - %s: no stored input\n", argv[0]);
		return 1;
	}
	printf("ok 1 - %s: %d inputs\n", argv[0], n);
	return 0;
}
