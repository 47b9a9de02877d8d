/*
 * fuzz_replay.c - replay the stored fuzz corpus and every crash ever found
 *
 * SYNOPSIS
 *	fuzz_replay DIR
 *
 * DESCRIPTION
 *	For each PDU type in the codec registry, feeds every file under
 *	DIR/corpus/<PDU>/ and DIR/crashes/<PDU>/ to the fuzz entry point,
 *	built here without libFuzzer and under ASan/UBSan by make check.
 *	Prints one TAP line per PDU type; a crash ends the run.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "fuzz_pdu.h"

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
	const char *name;
	int failed = 0;
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	for (i = 0; codec_pdu_name(i); i++)
		;
	printf("1..%zu\n", i);
	for (i = 0; (name = codec_pdu_name(i)) != NULL; i++) {
		char dir[4096];
		int n;

		fuzz_pdu_select(name);
		snprintf(dir, sizeof(dir), "%s/corpus/%s", argv[1], name);
		n = replay_dir(dir);
		snprintf(dir, sizeof(dir), "%s/crashes/%s", argv[1], name);
		n += replay_dir(dir);
		if (n == 0) {
			printf("not ok %zu - fuzz replay %s: no corpus\n",
			       i + 1, name);
			failed++;
		} else {
			printf("ok %zu - fuzz replay %s (%d inputs)\n", i + 1,
			       name, n);
		}
	}
	return failed ? 1 : 0;
}
