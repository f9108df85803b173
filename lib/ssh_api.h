/* ssh_api.h — the libssh2 (and OpenSSL) functions kdumpkit calls, as one table. Not a public header: only
 * lib/ssh_session.c and lib/ssh_transfer.c use it.
 *
 * The host tools load libssh2 (and OpenSSL with it) at the first ssh:// target instead of at every
 * start (lib/optional_lib.h: ~4 ms of each dumpsave, kdumpctl and kdump-init start). The static
 * builds that carry SSH (static dumpsave, kdump-init-ssh) cannot load libraries: their links
 * name -Wl,-u,kdk_ssh_linked_api (Makefile), which brings in lib/ssh_api_linked.c's table of the
 * statically linked functions. Each function is named once, in KDK_SSH_FUNCTIONS. */
#ifndef KDK_SSH_API_H
#define KDK_SSH_API_H

#include <libssh2.h>
#include <libssh2_sftp.h>
#include <openssl/evp.h>

#include "kdk_err.h"

/* libssh2_NAME for each NAME. Where libssh2.h offers a macro (libssh2_channel_read,
 * libssh2_session_init, …) the function under it is listed and called with the macro's
 * arguments. */
#define KDK_SSH_FUNCTIONS(X)                                                                    \
	X(init) X(session_init_ex) X(session_free) X(session_disconnect_ex)                      \
	X(session_set_blocking) X(session_set_timeout) X(session_handshake)                      \
	X(session_method_pref) X(session_hostkey) X(session_last_error) X(session_last_errno)    \
	X(knownhost_init) X(knownhost_readfile) X(knownhost_get) X(knownhost_checkp)             \
	X(knownhost_free) X(userauth_publickey_fromfile_ex)                                      \
	X(sftp_init) X(sftp_shutdown) X(sftp_last_error) X(sftp_open_ex) X(sftp_close_handle)    \
	X(sftp_seek64) X(sftp_write) X(sftp_fsync) X(sftp_stat_ex) X(sftp_mkdir_ex)              \
	X(sftp_unlink_ex) X(sftp_rename_ex)                                                      \
	X(channel_open_ex) X(channel_process_startup) X(channel_read_ex) X(channel_write_ex)    \
	X(channel_send_eof) X(channel_eof) X(channel_wait_closed) X(channel_get_exit_status)    \
	X(channel_free)

/* OpenSSL's (libcrypto.so.3, which libssh2 loads anyway): host key fingerprints as ssh-keygen -l
 * prints them. */
#define KDK_SSH_CRYPTO_FUNCTIONS(X) X(EVP_Digest) X(EVP_sha256) X(EVP_EncodeBlock) X(EVP_DecodeBlock)

struct kdk_ssh_api {
#define KDK_SSH_API_MEMBER(name) typeof(libssh2_##name) *name;
	KDK_SSH_FUNCTIONS(KDK_SSH_API_MEMBER)
#undef KDK_SSH_API_MEMBER
#define KDK_SSH_API_CRYPTO_MEMBER(name) typeof(name) *name;
	KDK_SSH_CRYPTO_FUNCTIONS(KDK_SSH_API_CRYPTO_MEMBER)
#undef KDK_SSH_API_CRYPTO_MEMBER
};

/* libssh2's functions: linked (static builds with SSH) or loaded now (host tools). NULL with err
 * set when this build has no SSH or libssh2 cannot be loaded. Thread-safe. */
const struct kdk_ssh_api *kdk_ssh_api(struct kdk_err *err);

/* The statically linked table (lib/ssh_api_linked.c), where the link asked for it. */
extern const struct kdk_ssh_api kdk_ssh_linked_api __attribute__((weak));

#endif
