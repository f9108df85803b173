/* test_sha256.c — the SHA-256 that kexec and purgatory share gives the FIPS 180-4 / NIST example
 * digests, whatever the sizes of the pieces the input arrives in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sha256.h"

static void hex_digest(const void *data, size_t len, size_t piece, char out[65])
{
	uint8_t digest[KDK_SHA256_DIGEST_SIZE];
	struct kdk_sha256 ctx;
	const uint8_t *p = data;
	size_t done = 0;
	int i;

	kdk_sha256_init(&ctx);
	while (done < len) {
		size_t n = len - done < piece ? len - done : piece;
		kdk_sha256_update(&ctx, p + done, n);
		done += n;
	}
	kdk_sha256_final(&ctx, digest);
	for (i = 0; i < KDK_SHA256_DIGEST_SIZE; i++)
		sprintf(out + 2 * i, "%02x", digest[i]);
}

static const struct {
	const char *message;
	const char *digest;
} vectors[] = {
	{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
};

static void nist_examples(void **state)
{
	size_t pieces[] = { 1, 3, 63, 64, 65, 1000 };
	char got[65];
	size_t i, j;
	(void)state;

	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
		for (j = 0; j < sizeof(pieces) / sizeof(pieces[0]); j++) {
			hex_digest(vectors[i].message, strlen(vectors[i].message), pieces[j], got);
			assert_string_equal(got, vectors[i].digest);
		}
}

static void one_million_a(void **state)
{
	static char million[1000000];
	char got[65];
	(void)state;

	memset(million, 'a', sizeof(million));
	hex_digest(million, sizeof(million), sizeof(million), got);
	assert_string_equal(got, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	hex_digest(million, sizeof(million), 4093, got);
	assert_string_equal(got, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* 55, 56 and 64 bytes sit on the padding boundaries (length field fits or spills a block). */
static void padding_boundaries(void **state)
{
	char buf[64], got[65];
	(void)state;

	memset(buf, 'a', sizeof(buf));
	hex_digest(buf, 55, 55, got);
	assert_string_equal(got, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
	hex_digest(buf, 56, 7, got);
	assert_string_equal(got, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
	hex_digest(buf, 64, 64, got);
	assert_string_equal(got, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nist_examples),
		cmocka_unit_test(one_million_a),
		cmocka_unit_test(padding_boundaries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
