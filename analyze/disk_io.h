/* disk_io.h — the dump's disks as `dev -d` lists them: each gendisk on block_class's device list
 * (registration order; crash skips ram* and loop*), its request queue, and the requests in flight
 * when the kernel stopped — read from blk-mq's tags or, for a bio-based disk, its per-CPU
 * disk_stats counters. */
#ifndef KCRASH_DISK_IO_H
#define KCRASH_DISK_IO_H

#include <stdbool.h>
#include <stdint.h>

#include "session.h"

struct disk_io {
	uint32_t major;
	uint64_t gendisk, queue;
	char name[64];
	bool counted;               /* read and write hold the counts (false: unreadable, why says why) */
	char why[sizeof(((struct kdk_err *)0)->msg)];
	int64_t read, write;        /* in flight: reads and writes (async and sync before 4.x) */
	bool mq;                    /* queue->mq_ops set: counted from the tags */
	bool have_drv;              /* request_queue.in_flight exists (2.6-era): the driver's count */
	uint32_t drv;
};

struct disk_io_table {
	struct disk_io *disk;
	size_t len;
	bool sync_names;            /* enum BLK_RW_SYNC exists: crash heads the columns ASYNC/SYNC */
	bool drv_column;            /* request_queue.in_flight exists: crash adds a DRV column */
};

/* Every disk (session_kstructs first, so the fact chain has BTF). A disk whose counts cannot be
 * read is listed uncounted, with the reason; no disk list at all is an error. */
int disk_io_load(struct session *s, struct disk_io_table *t, struct kdk_err *err);
void disk_io_free(struct disk_io_table *t);

#endif
