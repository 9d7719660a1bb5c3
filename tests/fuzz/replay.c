// SPDX-License-Identifier: GPL-2.0
/*
 * main() for fuzz_klpsv.c without libFuzzer, whose runtime does not go
 * with ThreadSanitizer: runs LLVMFuzzerTestOneInput() once on each file
 * named, as libFuzzer does when it is given files.  One "ok" line per
 * file; a mismatch aborts, as under libFuzzer.
 *
 *	fuzz-klpsv-replay FILE...	(tests/unit/tsan.sh replays corpus/)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, n;

	if (!f)
		return NULL;
	for (;;) {
		uint8_t *more = realloc(buf, len + 4096);

		if (!more) {
			free(buf);
			fclose(f);
			return NULL;
		}
		buf = more;
		n = fread(buf + len, 1, 4096, f);
		len += n;
		if (n < 4096)
			break;
	}
	fclose(f);
	*size = len;
	return buf;
}

int main(int argc, char **argv)
{
	uint8_t *data;
	size_t size;
	int i;

	LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		data = read_file(argv[i], &size);
		if (!data) {
			printf("not ok %d %s: cannot read it\n", i, argv[i]);
			return 1;
		}
		LLVMFuzzerTestOneInput(data, size);
		free(data);
		printf("ok %d replay %s\n", i, argv[i]);
		fflush(stdout);
	}
	return 0;
}
