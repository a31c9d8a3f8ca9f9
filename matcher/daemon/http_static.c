/*
 * The advisers' page: files of one directory, by a known type only, never
 * outside that directory (no hidden or ".." segment, no link out of it),
 * small enough to send at once.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "http_priv.h"
#include "http_static.h"
#include "log.h"
#include "paths.h"
#include "xmalloc.h"

/* Largest file of the advisers' page served: the page is a few KiB. */
#define HTTP_FILE_MAX		(4 * 1024 * 1024)

struct http_static {
	char	 www[PATH_MAX];		/* "": no page */
};

static const struct {
	const char	*ext;
	const char	*type;
} content_types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".json", "application/json; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".ico", "image/x-icon" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".woff2", "font/woff2" },
};

static const char *
content_type(const char *path)
{
	const char *dot = strrchr(path, '.');
	size_t i;

	for (i = 0; dot != NULL &&
	    i < sizeof(content_types) / sizeof(content_types[0]); i++)
		if (strcmp(dot, content_types[i].ext) == 0)
			return content_types[i].type;
	return NULL;
}

/*
 * The file of the page dir that path names, opened; -1 when there is
 * none we serve: bad escapes, hidden or ".." segments, a name that
 * resolves outside the directory, not a regular file, an unknown type or
 * over HTTP_FILE_MAX.
 */
static int
open_page_file(const struct http_static *st, const char *path,
    const char **type, off_t *size)
{
	char rel[PATH_MAX], full[PATH_MAX * 2], real[PATH_MAX];
	size_t wlen = strlen(st->www), len;
	struct stat sb;
	const char *seg;
	int fd;

	if (st->www[0] == '\0' || http_pct_decode(path, strlen(path), 0, rel,
	    sizeof(rel) - sizeof("index.html")) == -1 || rel[0] != '/')
		return -1;
	for (seg = rel; seg != NULL; seg = strchr(seg + 1, '/'))
		if (seg[1] == '.')
			return -1;
	len = strlen(rel);
	if (rel[len - 1] == '/')
		strcat(rel, "index.html");
	snprintf(full, sizeof(full), "%s%s", st->www, rel);
	if (realpath(full, real) == NULL ||
	    strncmp(real, st->www, wlen) != 0 || real[wlen] != '/' ||
	    (*type = content_type(real)) == NULL)
		return -1;
	if ((fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return -1;
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > HTTP_FILE_MAX) {
		close(fd);
		return -1;
	}
	*size = sb.st_size;
	return fd;
}

void
http_static_serve(const struct http_static *st, struct evhttp_request *req,
    const char *path)
{
	struct evkeyvalq *hdr = evhttp_request_get_output_headers(req);
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	const char *type;
	off_t size;
	int fd;

	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
		evhttp_add_header(hdr, "Allow", "GET, HEAD");
		http_reply_error(req, 405, RPC_ERR_UNKNOWN_METHOD,
		    "only GET and HEAD here", NULL);
		return;
	}
	if ((fd = open_page_file(st, path, &type, &size)) == -1) {
		http_reply_error(req, 404, RPC_ERR_NOT_FOUND, "no such page",
		    NULL);
		return;
	}
	evhttp_add_header(hdr, "Content-Type", type);
	evhttp_add_header(hdr, "Cache-Control", "no-cache");
	evhttp_add_header(hdr, "X-Content-Type-Options", "nosniff");
	if (cmd == EVHTTP_REQ_HEAD) {
		http_head_length(req, (long long)size);
		close(fd);
	} else if (evbuffer_add_file(evhttp_request_get_output_buffer(req),
	    fd, 0, size) == -1) {
		close(fd);
		http_reply_error(req, 500, RPC_ERR_INTERNAL,
		    "cannot read the file", NULL);
		return;
	}
	evhttp_send_reply(req, 200, NULL, NULL);
}

void
http_static_reconf(struct http_static *st, const char *www_dir)
{
	const char *dir = www_dir[0] != '\0' ? www_dir : paths_wwwdir();

	if (realpath(dir, st->www) == NULL) {
		log_info("HTTP: no advisers' page: %s: %s", dir,
		    strerror(errno));
		st->www[0] = '\0';
	}
}

struct http_static *
http_static_new(void)
{
	return xcalloc(1, sizeof(struct http_static));
}

void
http_static_free(struct http_static *st)
{
	free(st);
}
