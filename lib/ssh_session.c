/* ssh_session.c — connect to a dump collector over SSH (libssh2): TCP with retries and backoff,
 * host key against known_hosts with both fingerprints on a mismatch, public-key authentication,
 * SFTP start. Files, directories and exec channels are in ssh_transfer.c. */
#include "ssh_session.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "kdk_clock.h"
#include "kdk_log.h"
#include "ssh_internal.h"

const struct kdk_ssh_api *kdk_ssh2;

static pthread_once_t libssh2_once = PTHREAD_ONCE_INIT;
static struct kdk_err libssh2_err;       /* why libssh2 is not there or did not start */

/* libssh2's functions (linked, or loaded now: lib/ssh_api.h), then its own start. */
static void init_libssh2(void)
{
	if (!(kdk_ssh2 = kdk_ssh_api(&libssh2_err)))
		return;
	if (kdk_ssh2->init(0) != 0) {
		kdk_ssh2 = NULL;
		kdk_err_set(&libssh2_err, EIO, "libssh2 failed to initialise");
	}
}

const char *kdk_ssh_name(const struct kdk_ssh_session *s)
{
	return s->name;
}

const char *kdk_ssh_local_address(const struct kdk_ssh_session *s)
{
	return s->local_address;
}

bool kdk_ssh_has_sftp(const struct kdk_ssh_session *s)
{
	return s->sftp != NULL;
}

/* libssh2's last error as text, for messages. */
const char *kdk_ssh_last_error(struct kdk_ssh_session *s)
{
	char *text = NULL;

	if (!s->session)
		return "no session";
	kdk_ssh2->session_last_error(s->session, &text, NULL, 0);
	return text && *text ? text : "unknown libssh2 error";
}

/* TCP connect to one address within timeout_s. Returns the socket or -errno. */
static int connect_address(const struct addrinfo *ai, unsigned timeout_s)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
	struct pollfd pfd;
	socklen_t len;
	int code, one = 1;

	if (fd < 0)
		return -errno;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS) {
		code = errno;
		close(fd);
		return -code;
	}
	pfd.fd = fd;
	pfd.events = POLLOUT;
	code = poll(&pfd, 1, (int)timeout_s * 1000);
	if (code <= 0) {
		close(fd);
		return code == 0 ? -ETIMEDOUT : -errno;
	}
	len = sizeof(code);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &len) < 0 || code) {
		code = code ? code : errno;
		close(fd);
		return -code;
	}
	/* libssh2 blocks on its own; the socket goes back to blocking mode. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

static int connect_tcp(struct kdk_ssh_session *s, const struct kdk_ssh_params *p, struct kdk_err *err)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	char port[16];
	int rc, fd = -ECONNREFUSED;

	snprintf(port, sizeof(port), "%u", s->port);
	if (p->address)
		hints.ai_flags = AI_NUMERICHOST;
	rc = getaddrinfo(p->address ? p->address : p->host, port, &hints, &res);
	if (rc)
		return kdk_err_set(err, rc == EAI_SYSTEM ? errno : EHOSTUNREACH, "%s: cannot resolve %s: %s",
				   s->name, p->address ? p->address : p->host, gai_strerror(rc));
	for (ai = res; ai; ai = ai->ai_next) {
		fd = connect_address(ai, s->timeout_s);
		if (fd >= 0)
			break;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return kdk_err_sys(err, -fd, "%s: cannot connect", s->name);
	s->fd = fd;
	{
		struct sockaddr_storage local;
		socklen_t len = sizeof(local);

		if (getsockname(fd, (struct sockaddr *)&local, &len) == 0)
			getnameinfo((struct sockaddr *)&local, len, s->local_address,
				    sizeof(s->local_address), NULL, 0, NI_NUMERICHOST);
	}
	return 0;
}

/* "SHA256:…" (base64 without padding, as ssh-keygen -l prints it) of a key blob. */
static void fingerprint(const unsigned char *blob, size_t len, char *out, size_t size)
{
	unsigned char digest[32], b64[64];
	unsigned int dlen = 0;
	int n;

	if (!kdk_ssh2->EVP_Digest(blob, len, digest, &dlen, kdk_ssh2->EVP_sha256(), NULL)) {
		snprintf(out, size, "SHA256:?");
		return;
	}
	n = kdk_ssh2->EVP_EncodeBlock(b64, digest, (int)dlen);
	while (n > 0 && b64[n - 1] == '=')
		n--;
	snprintf(out, size, "SHA256:%.*s", n, b64);
}

/* The fingerprint of a known_hosts entry's key (base64 of the blob). */
static void known_fingerprint(const char *key_b64, char *out, size_t size)
{
	size_t len = strlen(key_b64);
	unsigned char *blob = malloc(len + 4);
	int n;

	if (!blob || (n = kdk_ssh2->EVP_DecodeBlock(blob, (const unsigned char *)key_b64, (int)len)) < 0) {
		snprintf(out, size, "SHA256:?");
		free(blob);
		return;
	}
	/* EVP_DecodeBlock counts padding as data. */
	while (len > 0 && key_b64[len - 1] == '=') {
		len--;
		n--;
	}
	fingerprint(blob, (size_t)n, out, size);
	free(blob);
}

static const char *hostkey_type_name(int type)
{
	switch (type) {
	case LIBSSH2_HOSTKEY_TYPE_RSA: return "RSA";
	case LIBSSH2_HOSTKEY_TYPE_DSS: return "DSA";
#ifdef LIBSSH2_HOSTKEY_TYPE_ECDSA_256
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_256: return "ECDSA-256";
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_384: return "ECDSA-384";
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_521: return "ECDSA-521";
#endif
#ifdef LIBSSH2_HOSTKEY_TYPE_ED25519
	case LIBSSH2_HOSTKEY_TYPE_ED25519: return "ED25519";
#endif
	default: return "unknown-type";
	}
}

/* The host key algorithms to offer: those known_hosts holds for this host, so that a server
 * with several host keys shows the one we can check (OpenSSH's ssh does the same). Empty when
 * nothing names the host in plain text (hashed entries): then libssh2's default order. */
static void known_key_methods(LIBSSH2_KNOWNHOSTS *known, const char *host, unsigned port,
			      char *out, size_t size)
{
	struct libssh2_knownhost *entry, *prev = NULL;
	char bracketed[300];
	size_t used = 0;

	out[0] = '\0';
	snprintf(bracketed, sizeof(bracketed), "[%s]:%u", host, port);
	while (kdk_ssh2->knownhost_get(known, &entry, prev) == 0) {
		const char *methods = NULL;

		prev = entry;
		if (!entry->name || (strcmp(entry->name, port == 22 ? host : bracketed) &&
				     strcmp(entry->name, bracketed)))
			continue;
		switch (entry->typemask & LIBSSH2_KNOWNHOST_KEY_MASK) {
		case LIBSSH2_KNOWNHOST_KEY_SSHRSA: methods = "rsa-sha2-512,rsa-sha2-256,ssh-rsa"; break;
		case LIBSSH2_KNOWNHOST_KEY_SSHDSS: methods = "ssh-dss"; break;
#ifdef LIBSSH2_KNOWNHOST_KEY_ECDSA_256
		case LIBSSH2_KNOWNHOST_KEY_ECDSA_256: methods = "ecdsa-sha2-nistp256"; break;
		case LIBSSH2_KNOWNHOST_KEY_ECDSA_384: methods = "ecdsa-sha2-nistp384"; break;
		case LIBSSH2_KNOWNHOST_KEY_ECDSA_521: methods = "ecdsa-sha2-nistp521"; break;
#endif
#ifdef LIBSSH2_KNOWNHOST_KEY_ED25519
		case LIBSSH2_KNOWNHOST_KEY_ED25519: methods = "ssh-ed25519"; break;
#endif
		default: break;
		}
		if (methods && !strstr(out, methods) &&
		    used + strlen(methods) + 2 < size)
			used += (size_t)snprintf(out + used, size - used, "%s%s", used ? "," : "", methods);
	}
}

static int check_host_key(struct kdk_ssh_session *s, LIBSSH2_KNOWNHOSTS *known,
			  const struct kdk_ssh_params *p, struct kdk_err *err)
{
	struct libssh2_knownhost *found = NULL;
	char offered[80], expected[80];
	const char *key;
	size_t key_len;
	int type, check;

	key = kdk_ssh2->session_hostkey(s->session, &key_len, &type);
	if (!key)
		return kdk_err_set(err, EPROTO, "%s: the server sent no host key", s->name);
	fingerprint((const unsigned char *)key, key_len, offered, sizeof(offered));
	check = kdk_ssh2->knownhost_checkp(known, p->host, (int)s->port, key, key_len,
					 LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW,
					 &found);
	switch (check) {
	case LIBSSH2_KNOWNHOST_CHECK_MATCH:
		kdk_log(KDK_LOG_DEBUG, "%s: host key %s %s matches %s", s->name, hostkey_type_name(type),
			offered, p->known_hosts);
		return 0;
	case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
		known_fingerprint(found && found->key ? found->key : "", expected, sizeof(expected));
		return kdk_err_set(err, EACCES, "%s: HOST KEY MISMATCH: the server's %s key is %s, but %s "
						"records %s for %s — refusing to send the dump (if the server's key "
						"really changed, run kdumpctl propagate again)",
				   s->name, hostkey_type_name(type), offered, p->known_hosts, expected,
				   found && found->name ? found->name : p->host);
	case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
		return kdk_err_set(err, EACCES, "%s: host %s is not in %s (the server's %s key is %s) — "
						"refusing to send the dump to an unknown host; record it with "
						"kdumpctl propagate",
				   s->name, p->host, p->known_hosts, hostkey_type_name(type), offered);
	default:
		return kdk_err_set(err, EIO, "%s: cannot check the host key against %s: %s", s->name,
				   p->known_hosts, kdk_ssh_last_error(s));
	}
}

static int authenticate(struct kdk_ssh_session *s, const struct kdk_ssh_params *p,
			struct kdk_err *err)
{
	char *pub = NULL;
	int rc;

	if (access(p->key, R_OK) < 0)
		return kdk_err_sys(err, errno, "%s: SSH key %s", s->name, p->key);
	if (asprintf(&pub, "%s.pub", p->key) < 0)
		return kdk_err_set(err, ENOMEM, "out of memory");
	if (access(pub, R_OK) < 0) {
		free(pub);
		pub = NULL;    /* libssh2 derives the public half from the private key */
	}
	rc = kdk_ssh2->userauth_publickey_fromfile_ex(s->session, p->user, (unsigned)strlen(p->user), pub,
						    p->key, NULL);
	free(pub);
	if (rc == 0)
		return 0;
	if (rc == LIBSSH2_ERROR_AUTHENTICATION_FAILED || rc == LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED)
		return kdk_err_set(err, EACCES, "%s: authentication refused: the server does not accept "
						"the key %s for user %s (is its .pub in ~%s/.ssh/authorized_keys? "
						"kdumpctl propagate installs it)",
				   s->name, p->key, p->user, p->user);
	if (rc == LIBSSH2_ERROR_FILE)
		return kdk_err_set(err, EINVAL, "%s: authentication: cannot use the key %s: %s", s->name,
				   p->key, kdk_ssh_last_error(s));
	return kdk_err_set(err, EACCES, "%s: authentication with key %s failed: %s", s->name, p->key,
			   kdk_ssh_last_error(s));
}

/* Drop what one attempt set up, keeping the session struct for the next attempt. */
static void disconnect(struct kdk_ssh_session *s)
{
	if (s->sftp)
		kdk_ssh2->sftp_shutdown(s->sftp);
	s->sftp = NULL;
	if (s->session) {
		kdk_ssh2->session_disconnect_ex(s->session, SSH_DISCONNECT_BY_APPLICATION, "kdumpkit: done", "");
		kdk_ssh2->session_free(s->session);
	}
	s->session = NULL;
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

/* One attempt. *final: the failure is one that retrying cannot fix. */
static int attempt(struct kdk_ssh_session *s, const struct kdk_ssh_params *p, bool *final,
		   struct kdk_err *err)
{
	LIBSSH2_KNOWNHOSTS *known = NULL;
	char methods[256];
	int rc;

	*final = false;
	if ((rc = connect_tcp(s, p, err)) < 0)
		return rc;
	if (!(s->session = kdk_ssh2->session_init_ex(NULL, NULL, NULL, NULL)))
		return kdk_err_set(err, ENOMEM, "%s: cannot start an SSH session", s->name);
	kdk_ssh2->session_set_blocking(s->session, 1);
	kdk_ssh2->session_set_timeout(s->session, (long)s->timeout_s * 1000);
	*final = true;
	if (!(known = kdk_ssh2->knownhost_init(s->session)))
		return kdk_err_set(err, ENOMEM, "%s: out of memory", s->name);
	if (kdk_ssh2->knownhost_readfile(known, p->known_hosts, LIBSSH2_KNOWNHOST_FILE_OPENSSH) < 0) {
		rc = access(p->known_hosts, R_OK) < 0
			? kdk_err_sys(err, errno, "%s: known_hosts %s", s->name, p->known_hosts)
			: kdk_err_set(err, EINVAL, "%s: known_hosts %s: cannot parse it: %s", s->name,
				      p->known_hosts, kdk_ssh_last_error(s));
		goto out;
	}
	known_key_methods(known, p->host, s->port, methods, sizeof(methods));
	if (methods[0] && kdk_ssh2->session_method_pref(s->session, LIBSSH2_METHOD_HOSTKEY, methods) < 0)
		kdk_log(KDK_LOG_DEBUG, "%s: host key methods %s not supported: %s", s->name, methods,
			kdk_ssh_last_error(s));
	if (kdk_ssh2->session_handshake(s->session, s->fd) < 0) {
		/* A server still starting, or a network dropping packets: worth another try. */
		*final = false;
		rc = kdk_err_set(err, ECONNRESET, "%s: SSH handshake failed: %s", s->name,
				 kdk_ssh_last_error(s));
		goto out;
	}
	if ((rc = check_host_key(s, known, p, err)) < 0)
		goto out;
	if ((rc = authenticate(s, p, err)) < 0)
		goto out;
	if (!p->no_sftp) {
		s->sftp = kdk_ssh2->sftp_init(s->session);
		if (!s->sftp)
			kdk_log(KDK_LOG_COMMON, "%s: no SFTP (%s): sending a flattened stream over an exec channel",
				s->name, kdk_ssh_last_error(s));
	}
	rc = 0;
out:
	kdk_ssh2->knownhost_free(known);
	return rc;
}

int kdk_ssh_connect(const struct kdk_ssh_params *p, struct kdk_ssh_session **session,
		    struct kdk_err *err)
{
	struct kdk_ssh_session *s;
	unsigned tries = 0, delay = 1;
	double started = kdk_monotonic_seconds();
	bool final;
	int rc;

	*session = NULL;
	pthread_once(&libssh2_once, init_libssh2);
	if (!kdk_ssh2) {
		*err = libssh2_err;
		return -err->code;
	}
	if (!p->user || !*p->user || !p->host || !*p->host)
		return kdk_err_set(err, EINVAL, "an SSH target needs user@host");
	if (!(s = calloc(1, sizeof(*s))))
		return kdk_err_set(err, ENOMEM, "out of memory");
	s->fd = -1;
	s->port = p->port ? p->port : 22;
	s->timeout_s = p->timeout_seconds ? p->timeout_seconds : 60;
	if (asprintf(&s->name, "%s@%s:%u", p->user, p->host, s->port) < 0) {
		free(s);
		return kdk_err_set(err, ENOMEM, "out of memory");
	}
	for (;;) {
		struct kdk_err attempt_err = { 0 };

		rc = attempt(s, p, &final, &attempt_err);
		if (rc == 0)
			break;
		disconnect(s);
		tries++;
		if (final || tries > p->retries || kdk_monotonic_seconds() - started + delay > p->retry_seconds) {
			*err = attempt_err;
			if (!final && tries > 1)
				kdk_err_prefix(err, "after %u attempts in %.0f s: ", tries,
					       kdk_monotonic_seconds() - started);
			kdk_ssh_close(s);
			return rc;
		}
		kdk_log(KDK_LOG_COMMON, "%s; trying again in %u s (attempt %u of %u)", attempt_err.msg,
			delay, tries + 1, p->retries + 1);
		sleep(delay);
		delay = delay < 16 ? delay * 2 : 30;
	}
	*session = s;
	return 0;
}

void kdk_ssh_close(struct kdk_ssh_session *s)
{
	if (!s)
		return;
	disconnect(s);
	free(s->name);
	free(s);
}

char *kdk_shell_quote(const char *text)
{
	size_t len = 2, i;
	char *out, *p;

	for (i = 0; text[i]; i++)
		len += text[i] == '\'' ? 4 : 1;
	if (!(out = malloc(len + 1)))
		return NULL;
	p = out;
	*p++ = '\'';
	for (i = 0; text[i]; i++) {
		if (text[i] == '\'') {
			memcpy(p, "'\\''", 4);
			p += 4;
		} else {
			*p++ = text[i];
		}
	}
	*p++ = '\'';
	*p = '\0';
	return out;
}
