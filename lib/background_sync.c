/* background_sync.c — fdatasync on request in a thread of its own (see background_sync.h). */
#include "background_sync.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

struct kdk_background_sync {
	pthread_mutex_t lock;
	pthread_cond_t wake;       /* the thread: a request, or stop */
	pthread_cond_t idle;       /* drain: the flush ended */
	pthread_t thread;
	int fd;
	bool requested;            /* a flush was asked for and has not started */
	bool running;              /* a flush is in fdatasync now */
	bool stopping;
	int first_error;           /* errno of the first failed flush not yet drained */
};

static void *sync_thread(void *arg)
{
	struct kdk_background_sync *bs = arg;

	pthread_mutex_lock(&bs->lock);
	for (;;) {
		while (!bs->requested && !bs->stopping)
			pthread_cond_wait(&bs->wake, &bs->lock);
		if (!bs->requested)
			break;
		bs->requested = false;
		bs->running = true;
		pthread_mutex_unlock(&bs->lock);
		int rc = fdatasync(bs->fd) < 0 ? errno : 0;
		pthread_mutex_lock(&bs->lock);
		bs->running = false;
		if (rc && rc != EINVAL && rc != EROFS && !bs->first_error)
			bs->first_error = rc;
		pthread_cond_broadcast(&bs->idle);
	}
	pthread_mutex_unlock(&bs->lock);
	return NULL;
}

int kdk_background_sync_start(struct kdk_background_sync **out, int fd, struct kdk_err *err)
{
	struct kdk_background_sync *bs = calloc(1, sizeof(*bs));
	int e;

	*out = NULL;
	if (!bs)
		return kdk_err_set(err, ENOMEM, "out of memory");
	bs->fd = fd;
	pthread_mutex_init(&bs->lock, NULL);
	pthread_cond_init(&bs->wake, NULL);
	pthread_cond_init(&bs->idle, NULL);
	if ((e = pthread_create(&bs->thread, NULL, sync_thread, bs))) {
		pthread_cond_destroy(&bs->idle);
		pthread_cond_destroy(&bs->wake);
		pthread_mutex_destroy(&bs->lock);
		free(bs);
		return kdk_err_sys(err, e, "cannot start the background sync thread");
	}
	*out = bs;
	return 0;
}

void kdk_background_sync_request(struct kdk_background_sync *bs)
{
	pthread_mutex_lock(&bs->lock);
	bs->requested = true;
	pthread_cond_signal(&bs->wake);
	pthread_mutex_unlock(&bs->lock);
}

int kdk_background_sync_drain(struct kdk_background_sync *bs)
{
	int code;

	pthread_mutex_lock(&bs->lock);
	while (bs->requested || bs->running)
		pthread_cond_wait(&bs->idle, &bs->lock);
	code = bs->first_error;
	bs->first_error = 0;
	pthread_mutex_unlock(&bs->lock);
	return code;
}

void kdk_background_sync_stop(struct kdk_background_sync *bs)
{
	if (!bs)
		return;
	pthread_mutex_lock(&bs->lock);
	bs->stopping = true;
	pthread_cond_signal(&bs->wake);
	pthread_mutex_unlock(&bs->lock);
	pthread_join(bs->thread, NULL);
	pthread_cond_destroy(&bs->idle);
	pthread_cond_destroy(&bs->wake);
	pthread_mutex_destroy(&bs->lock);
	free(bs);
}
