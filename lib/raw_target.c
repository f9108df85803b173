/* raw_target.c — the next boot's side of a raw dump target: the flattened stream on the device
 * found by its header, reassembled with lib/flattened into <dir>/vmcore, its header cleared. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dump_dir.h"
#include "kdk_out.h"
#include "raw_target.h"

int kdk_raw_stream_present(const char *device, bool *present, struct kdk_err *err)
{
	struct kdk_flat_header header;
	size_t got;
	int fd, rc;

	*present = false;
	if ((fd = open(device, O_RDONLY | O_CLOEXEC)) < 0)
		return kdk_err_sys(err, errno, "%s", device);
	rc = kdk_read_full(fd, device, 0, &header, sizeof(header), &got, err);
	close(fd);
	if (rc)
		return rc;
	/* makedumpfile's header: the signature NUL-padded to 16 bytes, type 1 (big-endian) */
	*present = got == sizeof(header) &&
		   !memcmp(header.signature, KDK_FLAT_SIGNATURE, sizeof(KDK_FLAT_SIGNATURE)) &&
		   be64toh((uint64_t)header.type) == KDK_FLAT_TYPE;
	return 0;
}

int kdk_raw_clear(const char *device, struct kdk_err *err)
{
	static const char zeros[KDK_FLAT_HEADER_SIZE];
	int fd, rc;

	if ((fd = open(device, O_WRONLY | O_CLOEXEC)) < 0)
		return kdk_err_sys(err, errno, "%s", device);
	rc = kdk_write_full(fd, device, 0, zeros, sizeof(zeros), err);
	if (!rc && fsync(fd))
		rc = kdk_err_sys(err, errno, "%s: fsync", device);
	close(fd);
	return rc;
}

int kdk_raw_save(const char *device, const char *dir, struct kdk_flat_stats *stats,
		 struct kdk_err *err)
{
	char *partial = NULL, *final = NULL;
	struct kdk_out *out = NULL;
	int fd = -1, rc;

	if (asprintf(&partial, "%s/vmcore.incomplete", dir) < 0 ||
	    asprintf(&final, "%s/vmcore", dir) < 0) {
		partial = final = NULL;
		rc = kdk_err_set(err, ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = kdk_mkdir_p(dir, err)))
		goto out;
	if ((fd = open(device, O_RDONLY | O_CLOEXEC)) < 0) {
		rc = kdk_err_sys(err, errno, "%s", device);
		goto out;
	}
	if ((rc = kdk_out_file_open(&out, partial, 0, err)))
		goto out;
	rc = kdk_flat_reassemble(fd, device, out, stats, err);
	if (!rc)
		rc = kdk_out_sync(out, err);
	if (!rc)
		rc = kdk_out_finish(out, err);
	if (!rc && rename(partial, final))
		rc = kdk_err_sys(err, errno, "rename %s to %s", partial, final);
	if (!rc)
		rc = kdk_fsync_parent_dir(final, err);
	if (rc) {
		kdk_err_prefix(err, "%s kept as it was reassembled: ", partial);
		/* cleared all the same: an unfinished stream would be saved again at every boot */
		kdk_raw_clear(device, NULL);
		goto out;
	}
	rc = kdk_raw_clear(device, err);
out:
	if (out)
		kdk_out_release(out);
	if (fd >= 0)
		close(fd);
	free(partial);
	free(final);
	return rc;
}
