/*
 * matchctl: command-line client of matcherd.
 *
 * Reads records as JSON (one object, an array of objects or JSON Lines)
 * or CSV (docs/CSV.md), and writes candidates and suggestions as CSV;
 * sends them as MessagePack-RPC requests over one blocking-with-timeout TCP
 * connection, and prints the replies as tables for people or as JSON for
 * scripts (--json).  Bulk loads are pipelined: up to CTL_WINDOW requests
 * are in flight, so a million candidates load at the daemon's speed rather
 * than at one round trip each.  Replies are framed with frame_scan() so a
 * broken or hostile server cannot make the client allocate without bound.
 *
 * Exit status: 0 done, 1 the server refused something (or a record was
 * rejected), 2 connection or protocol failure, 64 bad usage.
 */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <msgpack.h>

#include "csvrec.h"
#include "frame.h"
#include "jsonmp.h"
#include "mpobj.h"
#include "proto.h"
#include "rpc.h"

#define CTL_DEFAULT_SERVER	"127.0.0.1:7420"
#define CTL_DEFAULT_TIMEOUT	30.0	/* seconds per wait; 0 = forever */
/*
 * Largest reply accepted.  The biggest legitimate ones (a match result
 * with 200 suggestions, a page of 200 candidates) are a few hundred KiB.
 */
#define CTL_MAX_REPLY		(16 * 1024 * 1024)
#define CTL_READ_CHUNK		(64 * 1024)
/* Requests in flight during a bulk put, and bytes packed per write. */
#define CTL_WINDOW		256
#define CTL_BATCH_BYTES		(256 * 1024)
/*
 * Envelope levels around the params map ([0, id, method, [map]]): a record
 * must leave room for them under the daemon's nesting bound.
 */
#define CTL_ENVELOPE_DEPTH	2
#define CTL_DEFAULT_WIDTH	100
#define CTL_MIN_WIDTH		60
#define CTL_GLUE_COLS		30	/* see unit_len() */

enum {
	EXIT_REFUSED = 1,
	EXIT_CONN = 2,
	EXIT_USAGE = 64
};

/* One connection and its read buffer: buf[off, len) is not yet consumed. */
struct conn {
	int		 fd;
	const char	*server;
	int		 timeout_ms;	/* -1: wait forever */
	char		*buf;
	size_t		 off, len, cap;
	msgpack_zone	 zone;
	uint32_t	 next_msgid;
};

/* A reply converted to JSON; the fields not in its type are NULL. */
struct reply {
	enum rpc_type	 type;
	uint32_t	 msgid;
	char		 method[64];	/* notifications */
	json_t		*error;		/* responses: NULL when nil */
	json_t		*result;
	json_t		*payload;	/* notifications: the first element */
};

struct ctl {
	const char	*server;
	double		 timeout;
	int		 json;
	int		 width;
	struct conn	 conn;
	int		 connected;
};

/* Command-line options after the command words. */
enum {
	OPT_SECTOR = 0x01,
	OPT_SOURCE = 0x02,
	OPT_COUNT = 0x04,
	OPT_ALL = 0x08,
	OPT_LIMIT = 0x10,
	OPT_REASON = 0x20,
	OPT_NOTE = 0x40,
	OPT_FORMAT = 0x80,
	OPT_OPERATION = 0x100,
	OPT_CONTRACTOR = 0x200,
	OPT_BEHIND = 0x400
};

struct opts {
	const char	*pos[3];
	int		 npos;
	json_t		*sectors;	/* arrays of strings, from repeats */
	json_t		*sources;
	long		 count;		/* -1 when absent */
	long		 limit;
	int		 all;
	const char	*reason;
	const char	*note;
	const char	*format;	/* "csv", "json" or NULL */
	const char	*operation;	/* clause report filters */
	const char	*contractor;
	int		 behind;
};

struct command {
	const char	*group;
	const char	*name;		/* NULL for one-word commands */
	int		(*run)(struct ctl *, struct opts *);
	int		 minpos, maxpos;
	int		 options;
	const char	*usage;
};

static void	usage(const struct command *) __attribute__((noreturn));

/* ---- errors ---- */

static void __attribute__((noreturn, format(printf, 2, 3)))
die(int status, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("matchctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

static const char *
jstr(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* A string member, "?" when absent: for printing. */
static const char *
jtext(const json_t *obj, const char *key)
{
	const char *s = jstr(obj, key);

	return s != NULL ? s : "?";
}

/* "METHOD: code: message (field)" for a server error map. */
/* An integer member, 0 when absent: for printing. */
static long long
jint(const json_t *obj, const char *key)
{
	return (long long)json_integer_value(json_object_get(obj, key));
}

static void __attribute__((noreturn))
die_server(const char *method, const json_t *error)
{
	const char *field = jstr(error, "field");

	if (field != NULL)
		die(EXIT_REFUSED, "%s: %s: %s (%s)", method,
		    jstr(error, "code") ? jstr(error, "code") : "?",
		    jstr(error, "message") ? jstr(error, "message") : "",
		    field);
	die(EXIT_REFUSED, "%s: %s: %s", method,
	    jstr(error, "code") ? jstr(error, "code") : "?",
	    jstr(error, "message") ? jstr(error, "message") : "");
}

/* ---- connection ---- */

/* Wait until the socket is ready for events, or exit on the timeout. */
static void
wait_fd(struct conn *c, short events)
{
	struct pollfd pfd;
	int n;

	pfd.fd = c->fd;
	pfd.events = events;
	for (;;) {
		n = poll(&pfd, 1, c->timeout_ms);
		if (n > 0)
			return;
		if (n == 0)
			die(EXIT_CONN, "%s: timed out after %.3g s", c->server,
			    c->timeout_ms / 1000.0);
		if (errno != EINTR)
			die(EXIT_CONN, "poll: %s", strerror(errno));
	}
}

/* Split "host:port", "[v6]:port" or "host" into its parts. */
static void
split_server(const char *server, char *host, size_t hostlen, char *port,
    size_t portlen)
{
	const char *colon, *end;
	size_t n;

	if (server[0] == '[' && (end = strchr(server, ']')) != NULL) {
		n = end - server - 1;
		colon = end[1] == ':' ? end + 1 : NULL;
		server++;
	} else {
		colon = strrchr(server, ':');
		n = colon != NULL ? (size_t)(colon - server) : strlen(server);
	}
	if (n == 0 || n >= hostlen)
		die(EXIT_USAGE, "bad server address \"%s\"", server);
	memcpy(host, server, n);
	host[n] = '\0';
	if (colon != NULL && colon[1] != '\0')
		snprintf(port, portlen, "%s", colon + 1);
	else
		snprintf(port, portlen, "%d", PROTO_DEFAULT_PORT);
}

/* Non-blocking connect, so the timeout applies to it too. */
static int
connect_one(struct conn *c, const struct addrinfo *ai, int *err)
{
	socklen_t len = sizeof(*err);
	int fd, one = 1;

	if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
	    ai->ai_protocol)) == -1) {
		*err = errno;
		return -1;
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1)
		die(EXIT_CONN, "fcntl: %s", strerror(errno));
	c->fd = fd;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
		if (errno != EINPROGRESS) {
			*err = errno;
			close(fd);
			return -1;
		}
		wait_fd(c, POLLOUT);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, err, &len) == -1)
			*err = errno;
		if (*err != 0) {
			close(fd);
			return -1;
		}
	}
	/* Requests are written whole; do not let Nagle hold them back. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

static void
conn_open(struct conn *c, const char *server, double timeout)
{
	struct addrinfo hints, *res, *ai;
	char host[256], port[32];
	int rc, err = 0;

	memset(c, 0, sizeof(*c));
	c->server = server;
	c->timeout_ms = timeout > 0 ? (int)(timeout * 1000) : -1;
	c->next_msgid = 1;
	split_server(server, host, sizeof(host), port, sizeof(port));
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0)
		die(EXIT_CONN, "%s: %s", server, gai_strerror(rc));
	c->fd = -1;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (connect_one(c, ai, &err) != -1)
			break;
		c->fd = -1;
	}
	freeaddrinfo(res);
	if (c->fd == -1)
		die(EXIT_CONN, "cannot connect to %s: %s", server,
		    strerror(err));
	c->cap = CTL_READ_CHUNK;
	if ((c->buf = malloc(c->cap)) == NULL)
		die(EXIT_REFUSED, "out of memory");
	if (!msgpack_zone_init(&c->zone, 8192))
		die(EXIT_REFUSED, "out of memory");
}

static void
conn_write(struct conn *c, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = send(c->fd, p, n, MSG_NOSIGNAL);
		if (w == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				wait_fd(c, POLLOUT);
				continue;
			}
			if (errno == EINTR)
				continue;
			die(EXIT_CONN, "%s: write: %s", c->server,
			    strerror(errno));
		}
		p += w;
		n -= w;
	}
}

/* Read more bytes into the buffer; returns 0 at end of stream. */
static size_t
conn_fill(struct conn *c)
{
	ssize_t r;
	size_t want;
	char *nb;

	if (c->off > 0) {
		memmove(c->buf, c->buf + c->off, c->len - c->off);
		c->len -= c->off;
		c->off = 0;
	}
	if (c->cap - c->len < CTL_READ_CHUNK / 2) {
		want = c->cap * 2;
		if ((nb = realloc(c->buf, want)) == NULL)
			die(EXIT_REFUSED, "out of memory");
		c->buf = nb;
		c->cap = want;
	}
	for (;;) {
		r = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
		if (r >= 0)
			break;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			wait_fd(c, POLLIN);
		else if (errno != EINTR)
			die(EXIT_CONN, "%s: read: %s", c->server,
			    strerror(errno));
	}
	c->len += r;
	return r;
}

static void
reply_clear(struct reply *r)
{
	json_decref(r->error);
	json_decref(r->result);
	json_decref(r->payload);
	memset(r, 0, sizeof(*r));
}

static json_t *
reply_json(const struct conn *c, const msgpack_object *o)
{
	char err[128];
	json_t *j;

	if ((j = jsonmp_to_json(o, err, sizeof(err))) == NULL)
		die(EXIT_CONN, "%s: bad reply: %s", c->server, err);
	return j;
}

/*
 * Wait for the next message and convert it.  Returns 1, or 0 when the
 * server closed the connection between two messages.
 */
static int
conn_recv(struct conn *c, struct reply *r)
{
	struct rpc_message m;
	msgpack_object obj;
	const msgpack_object *p;
	enum frame_status st;
	size_t objlen;
	char err[160];
	int known;

	reply_clear(r);
	for (;;) {
		st = frame_scan(c->buf + c->off, c->len - c->off, CTL_MAX_REPLY,
		    &objlen, err, sizeof(err));
		if (st == FRAME_OK)
			break;
		if (st != FRAME_NEED_MORE)
			die(EXIT_CONN, "%s: bad reply: %s", c->server, err);
		if (conn_fill(c) == 0) {
			if (c->len == c->off)
				return 0;
			die(EXIT_CONN, "%s: connection closed in the middle "
			    "of a reply", c->server);
		}
	}
	msgpack_zone_clear(&c->zone);
	if (frame_unpack(c->buf + c->off, objlen, &c->zone, &obj) == -1)
		die(EXIT_CONN, "%s: bad reply: cannot unpack", c->server);
	c->off += objlen;
	if (rpc_parse(&obj, &m, &known, err, sizeof(err)) == -1)
		die(EXIT_CONN, "%s: bad reply: %s", c->server, err);
	r->type = m.type;
	switch (m.type) {
	case RPC_RESPONSE:
		r->msgid = m.msgid;
		if (m.error != NULL && m.error->type != MSGPACK_OBJECT_NIL)
			r->error = reply_json(c, m.error);
		r->result = reply_json(c, m.result);
		break;
	case RPC_NOTIFICATION:
		snprintf(r->method, sizeof(r->method), "%.*s",
		    (int)m.method_len, m.method);
		p = m.payload;
		if (p->type == MSGPACK_OBJECT_ARRAY && p->via.array.size > 0)
			p = &p->via.array.ptr[0];
		r->payload = reply_json(c, p);
		break;
	default:
		die(EXIT_CONN, "%s: bad reply: the server sent a request",
		    c->server);
	}
	return 1;
}

/* The daemon's "error" notification: it refused our stream and closes. */
static void
check_notification(const struct reply *r)
{
	if (r->type == RPC_NOTIFICATION && strcmp(r->method, "error") == 0)
		die_server("server", r->payload);
}

/*
 * Append [0, msgid, method, params] to sb.  params NULL packs "[]", an
 * object packs "[object]" and an array is sent as the params array itself
 * (for "call").  On a record nested too deep, sb is left as it was.
 */
static int
pack_request(msgpack_sbuffer *sb, uint32_t msgid, const char *method,
    const json_t *params, char *err, size_t errlen)
{
	msgpack_packer pk;
	int depth;

	depth = params == NULL ? 1 : jsonmp_depth(params) +
	    (json_is_array(params) ? 1 : CTL_ENVELOPE_DEPTH);
	if (depth > PROTO_MAX_DEPTH) {
		snprintf(err, errlen, "nesting deeper than %d levels",
		    PROTO_MAX_DEPTH - CTL_ENVELOPE_DEPTH);
		return -1;
	}
	msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
	msgpack_pack_array(&pk, 4);
	msgpack_pack_int(&pk, RPC_REQUEST);
	msgpack_pack_uint32(&pk, msgid);
	mp_pack_str(&pk, method);
	if (params == NULL)
		msgpack_pack_array(&pk, 0);
	else if (json_is_array(params))
		jsonmp_pack(&pk, params, err, errlen);
	else {
		msgpack_pack_array(&pk, 1);
		jsonmp_pack(&pk, params, err, errlen);
	}
	return 0;
}

static struct conn *
ctl_conn(struct ctl *ctl)
{
	if (!ctl->connected) {
		conn_open(&ctl->conn, ctl->server, ctl->timeout);
		ctl->connected = 1;
	}
	return &ctl->conn;
}

/*
 * Send one request and wait for its response, skipping notifications.
 * Takes ownership of params.  Returns the result (a new reference) or,
 * when the server answers with an error, prints it and exits 1.
 */
static json_t *
call(struct ctl *ctl, const char *method, json_t *params)
{
	struct conn *c = ctl_conn(ctl);
	msgpack_sbuffer sb;
	struct reply r;
	uint32_t msgid;
	json_t *result;
	char err[128];

	msgpack_sbuffer_init(&sb);
	msgid = c->next_msgid++;
	if (pack_request(&sb, msgid, method, params, err, sizeof(err)) == -1)
		die(EXIT_REFUSED, "%s: params: %s", method, err);
	json_decref(params);
	conn_write(c, sb.data, sb.size);
	msgpack_sbuffer_destroy(&sb);
	memset(&r, 0, sizeof(r));
	for (;;) {
		if (conn_recv(c, &r) == 0)
			die(EXIT_CONN, "%s: connection closed before the reply "
			    "to %s", c->server, method);
		check_notification(&r);
		if (r.type == RPC_RESPONSE && r.msgid == msgid)
			break;
	}
	if (r.error != NULL)
		die_server(method, r.error);
	result = json_incref(r.result);
	reply_clear(&r);
	return result;
}

/* ---- output ---- */

static int
term_width(void)
{
	struct winsize ws;
	const char *cols;
	int w = 0;

	if (isatty(STDOUT_FILENO) &&
	    ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
		w = ws.ws_col;
	else if ((cols = getenv("COLUMNS")) != NULL)
		w = atoi(cols);
	if (w <= 0)
		w = CTL_DEFAULT_WIDTH;
	return w < CTL_MIN_WIDTH ? CTL_MIN_WIDTH : w;
}

/*
 * Columns are counted as UTF-8 code points: the French text of the
 * matcher is precomposed Latin, one column per character.
 */
static int
utf8_cols(const char *s, size_t len)
{
	size_t i;
	int n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* Bytes of the longest prefix of s[0, len) that fits in cols columns. */
static size_t
utf8_fit(const char *s, size_t len, int cols)
{
	size_t i;
	int n = 0;

	for (i = 0; i < len; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80 && n++ == cols)
			break;
	}
	return i;
}

/*
 * Print s in at most cols columns, "…" marking a cut, padded to cols if
 * asked.  Returns the columns printed.
 */
static int
print_cell(const char *s, int cols, int pad)
{
	size_t len = strlen(s), fit;
	int used = utf8_cols(s, len);

	if (cols < 1)
		cols = 1;
	if (used > cols) {
		fit = utf8_fit(s, len, cols - 1);
		fwrite(s, 1, fit, stdout);
		fputs("…", stdout);
		used = cols;
	} else
		fwrite(s, 1, len, stdout);
	if (pad && used < cols) {
		printf("%*s", cols - used, "");
		used = cols;
	}
	return used;
}

/*
 * Length of the unit starting at s that a line must not split, as French
 * typography wants: a word, with the words after it that start with a
 * digit or are punctuation preceded by a space ("souhaitées :",
 * "distance 12"), and a short word after a number ("4,2 km", "2 sur 3");
 * at most CTL_GLUE_COLS columns.
 */
static size_t
unit_len(const char *s)
{
	size_t n, next, wlen;
	int number;

	n = strcspn(s, " ");
	number = *s >= '0' && *s <= '9';
	while (s[n] == ' ' && s[n + 1] != '\0') {
		wlen = strcspn(s + n + 1, " ");
		next = n + 1 + wlen;
		if (strchr(":;!?0123456789", s[n + 1]) == NULL &&
		    !(number && utf8_cols(s + n + 1, wlen) <= 4))
			break;
		if (utf8_cols(s, next) > CTL_GLUE_COLS)
			break;
		number = s[n + 1] >= '0' && s[n + 1] <= '9';
		n = next;
	}
	return n;
}

/*
 * Print s word-wrapped: the cursor is at column col, continuation lines
 * start at column indent, nothing goes past width.  Ends the line.
 */
static void
print_wrapped(const char *s, int col, int indent, int width)
{
	int start = col, wcols;
	size_t wlen, fit;

	/* Always leave room to make progress. */
	if (width < indent + 10)
		width = indent + 10;
	for (;;) {
		while (*s == ' ')
			s++;
		if (*s == '\0')
			break;
		wlen = unit_len(s);
		wcols = utf8_cols(s, wlen);
		if (col > start) {
			if (col + 1 + wcols <= width) {
				putchar(' ');
				col++;
			} else {
				printf("\n%*s", indent, "");
				col = start = indent;
			}
		}
		if (col + wcols > width) {
			/* Longer than a line: cut at a character boundary. */
			fit = utf8_fit(s, wlen, width - col);
			fwrite(s, 1, fit, stdout);
			s += fit;
			if (*s == '\0')
				break;
			printf("\n%*s", indent, "");
			col = start = indent;
			continue;
		}
		fwrite(s, 1, wlen, stdout);
		col += wcols;
		s += wlen;
	}
	putchar('\n');
}

static FILE *
memstream(char **buf, size_t *len)
{
	FILE *m;

	if ((m = open_memstream(buf, len)) == NULL)
		die(EXIT_REFUSED, "out of memory");
	return m;
}

/* The strings of an array joined by sep: "batiment,industrie". */
static char *
join_strings(const json_t *arr, const char *sep)
{
	const json_t *v;
	char *buf = NULL;
	size_t i, len;
	FILE *m;

	m = memstream(&buf, &len);
	json_array_foreach(arr, i, v) {
		fprintf(m, "%s%s", i > 0 ? sep : "",
		    json_string_value(v) ? json_string_value(v) : "?");
	}
	fclose(m);
	return buf;
}

/*
 * A scalar as text for people: strings bare, reals with six significant
 * digits, anything else as compact JSON.
 */
static char *
scalar_text(const json_t *j)
{
	char num[64];
	double x;

	if (json_is_string(j))
		return strdup(json_string_value(j));
	if (json_is_real(j)) {
		x = json_real_value(j);
		snprintf(num, sizeof(num), x > -1e6 && x < 1e6 ? "%.6g" :
		    "%.0f", x);
		return strdup(num);
	}
	return json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT |
	    JSON_REAL_PRECISION(15));
}

/* A unix time as local "YYYY-MM-DD HH:MM:SS"; other values as they are. */
static char *
time_text(const json_t *j)
{
	struct tm tm;
	time_t t;
	char buf[64];

	if (!json_is_integer(j))
		return scalar_text(j);
	t = (time_t)json_integer_value(j);
	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		return scalar_text(j);
	return strdup(buf);
}

/* JSON for scripts (one line) or people (indented). */
static void
print_json(const struct ctl *ctl, const json_t *j)
{
	size_t flags = JSON_ENCODE_ANY | JSON_REAL_PRECISION(15);

	flags |= ctl->json ? JSON_COMPACT : JSON_INDENT(2);
	json_dumpf(j, stdout, flags);
	putchar('\n');
}

/* "k v, k v" for a flat object, compact JSON for anything nested. */
static char *
value_text(const json_t *j)
{
	const char *key;
	json_t *v;
	char *buf = NULL, *t;
	size_t len;
	FILE *m;

	if (!json_is_object(j))
		return scalar_text(j);
	if (json_object_size(j) == 0)
		return strdup("-");
	json_object_foreach((json_t *)j, key, v) {
		if (json_is_object(v) || json_is_array(v))
			return scalar_text(j);
	}
	m = memstream(&buf, &len);
	json_object_foreach((json_t *)j, key, v) {
		t = scalar_text(v);
		fprintf(m, "%s%s %s", ftell(m) > 0 ? ", " : "", key,
		    t ? t : "?");
		free(t);
	}
	fclose(m);
	return buf;
}

/* Two columns, key and value, for a result object such as stats. */
static void
print_pairs(const struct ctl *ctl, const json_t *obj)
{
	const char *key;
	json_t *v;
	int kw = 0, n;
	char *t;

	json_object_foreach((json_t *)obj, key, v) {
		if ((n = utf8_cols(key, strlen(key))) > kw)
			kw = n;
	}
	if (kw > ctl->width / 2)
		kw = ctl->width / 2;
	json_object_foreach((json_t *)obj, key, v) {
		t = value_text(v);
		printf("%-*s  ", kw, key);
		print_wrapped(t ? t : "?", kw + 2, kw + 2, ctl->width);
		free(t);
	}
}

/*
 * Two header lines, each cut to the width:
 *   offer ID · title
 *     employer · place / sector · source, contract · positions · start
 */
static void
print_offer_header(const struct ctl *ctl, const json_t *offer)
{
	const json_t *v;
	const char *s;
	char *line = NULL;
	size_t len;
	FILE *m;

	m = memstream(&line, &len);
	fprintf(m, "offer %s", jstr(offer, "id") ? jstr(offer, "id") : "?");
	if ((s = jstr(offer, "title")) != NULL)
		fprintf(m, " · %s", s);
	fclose(m);
	print_cell(line, ctl->width, 0);
	putchar('\n');
	free(line);

	m = memstream(&line, &len);
	fprintf(m, "  %s", jstr(offer, "employer") && *jstr(offer,
	    "employer") ? jstr(offer, "employer") : "(no employer)");
	if ((s = jstr(offer, "commune")) != NULL)
		fprintf(m, " · %s", s);
	else if (json_is_number(json_object_get(offer, "lat")))
		fprintf(m, " · %.4f,%.4f",
		    json_number_value(json_object_get(offer, "lat")),
		    json_number_value(json_object_get(offer, "lon")));
	if ((s = jstr(offer, "sector")) != NULL)
		fprintf(m, " / %s", s);
	if ((s = jstr(offer, "source")) != NULL)
		fprintf(m, " · %s", s);
	if ((s = jstr(offer, "contract")) != NULL)
		fprintf(m, ", %s", s);
	if (json_is_integer(v = json_object_get(offer, "positions")))
		fprintf(m, " · %lld position%s",
		    (long long)json_integer_value(v),
		    json_integer_value(v) > 1 ? "s" : "");
	if ((s = jstr(offer, "start")) != NULL)
		fprintf(m, " · start %s", s);
	if ((s = jstr(offer, "status")) != NULL && strcmp(s, "open") != 0)
		fprintf(m, " [%s]", s);
	fclose(m);
	print_cell(line, ctl->width, 0);
	putchar('\n');
	free(line);
}

/* "considered N, eligible M; excluded: rome 12, distance 3" */
static void
print_counts(const struct ctl *ctl, const json_t *res)
{
	const char *key;
	json_t *v;
	char *buf = NULL;
	size_t len;
	FILE *m;
	int any = 0;

	m = memstream(&buf, &len);
	fprintf(m, "considered %lld, eligible %lld",
	    (long long)json_integer_value(json_object_get(res, "considered")),
	    (long long)json_integer_value(json_object_get(res, "eligible")));
	json_object_foreach(json_object_get(res, "excluded"), key, v) {
		if (json_integer_value(v) == 0)
			continue;
		fprintf(m, "%s %s %lld", any++ ? "," : "; excluded:", key,
		    (long long)json_integer_value(v));
	}
	fclose(m);
	print_wrapped(buf, 0, 2, ctl->width);
	free(buf);
}

/*
 * The clause status of a clause offer's result (docs/CLAUSE.md): its
 * operation's hours, and the French reason when it is behind.
 */
static void
print_clause_status(const struct ctl *ctl, const json_t *res)
{
	const json_t *st = json_object_get(res, "clause");
	char *buf = NULL;
	size_t len;
	FILE *m;

	if (!json_is_object(st))
		return;
	m = memstream(&buf, &len);
	fprintf(m, "clause %s", jstr(st, "operation") ? jstr(st, "operation") :
	    "?");
	if (jstr(st, "contractor") != NULL)
		fprintf(m, " / %s", jstr(st, "contractor"));
	fprintf(m, ": %lld h realised of %lld h committed, %lld h expected "
	    "by today", jint(st, "hours_realised"),
	    jint(st, "hours_committed"), jint(st, "hours_expected"));
	if (json_is_true(json_object_get(st, "behind")))
		fprintf(m, "; BEHIND: %s", jstr(st, "reason") ?
		    jstr(st, "reason") : "");
	fclose(m);
	print_wrapped(buf, 0, 2, ctl->width);
	free(buf);
}

/*
 * offer.put's answer for an offer merged into another (docs/DEDUP.md):
 * printed, and 1; 0 for any other answer.
 */
static int
print_merged(const struct ctl *ctl, const json_t *res)
{
	char *buf = NULL;
	size_t len;
	FILE *m;

	if (jstr(res, "merged_into") == NULL)
		return 0;
	if (ctl->json) {
		print_json(ctl, res);
		return 1;
	}
	m = memstream(&buf, &len);
	fprintf(m, "offer %s: the same job as %s, merged (%s)",
	    jtext(res, "id"), jtext(res, "merged_into"), jtext(res, "why"));
	fclose(m);
	print_wrapped(buf, 0, 2, ctl->width);
	free(buf);
	return 1;
}

/* A match result: header, counts, then one row per suggestion. */
static void
print_result(const struct ctl *ctl, const json_t *res)
{
	const json_t *sugg, *s;
	const char *id;
	char *text;
	size_t i;
	int cw = 9, n, indent;

	if (print_merged(ctl, res))
		return;
	if (ctl->json) {
		print_json(ctl, res);
		return;
	}
	print_offer_header(ctl, json_object_get(res, "offer"));
	print_counts(ctl, res);
	print_clause_status(ctl, res);
	if (jstr(res, "possible_duplicate_of") != NULL)
		printf("maybe the same job as %s (matchctl duplicates)\n",
		    jstr(res, "possible_duplicate_of"));
	sugg = json_object_get(res, "suggestions");
	if (json_array_size(sugg) == 0) {
		printf("  (no suggestions)\n");
		return;
	}
	json_array_foreach(sugg, i, s) {
		if ((id = jstr(s, "candidate")) != NULL &&
		    (n = utf8_cols(id, strlen(id))) > cw)
			cw = n > 20 ? 20 : n;
	}
	indent = 4 + 2 + cw + 2 + 5 + 2 + 5 + 2;
	printf("%4s  %-*s  %5s  %5s  %s\n", "rank", cw, "candidate", "score",
	    "km", "reasons");
	json_array_foreach(sugg, i, s) {
		printf("%4lld  ",
		    (long long)json_integer_value(json_object_get(s, "rank")));
		id = jstr(s, "candidate");
		print_cell(id ? id : "?", cw, 1);
		printf("  %5.1f  ",
		    json_number_value(json_object_get(s, "score")));
		if (json_is_number(json_object_get(s, "distance_km")))
			printf("%5.1f  ", json_number_value(
			    json_object_get(s, "distance_km")));
		else
			printf("%5s  ", "-");
		text = join_strings(json_object_get(s, "reasons"), "; ");
		print_wrapped(text, indent, indent, ctl->width);
		free(text);
	}
}

/* ---- reading records ---- */

/*
 * Records come as one JSON object, a JSON array of objects, or JSON Lines.
 * The first non-blank line decides: a line that parses as an object, or
 * looks like one ("{...}"), starts JSON Lines; anything else begins one
 * (multi-line) document.  JSON Lines are streamed line by line, so the
 * input may be larger than memory, and a bad line only loses its record.
 */
struct reader {
	FILE		*fp;
	const char	*name;
	int		 lines;		/* JSON Lines mode */
	char		*line;
	size_t		 linecap;
	size_t		 linelen;
	unsigned long	 lineno;	/* of the last line read */
	int		 pending;	/* the first line is not returned yet */
	json_t		*doc;		/* document mode: array or object */
	size_t		 idx;
	unsigned long	 recno;		/* of the last record returned */
	struct csvrec_in *csv;		/* CSV mode: recno is a line */
	int		 eof;
	const char	*unit;		/* "record" or "line" */
	char		 errid[72];	/* id of a rejected record */
	off_t		 size, bytes;	/* of the file, read so far */
	int		 progress;	/* a bar on stderr (a tty) */
	struct timespec	 start, drawn;
};

static ssize_t
reader_line(struct reader *rd)
{
	ssize_t n;

	n = getline(&rd->line, &rd->linecap, rd->fp);
	if (n == -1 && ferror(rd->fp))
		die(EXIT_REFUSED, "%s: %s", rd->name, strerror(errno));
	rd->linelen = n > 0 ? (size_t)n : 0;
	if (n > 0) {
		rd->lineno++;
		rd->bytes += n;
	}
	return n;
}

static int
is_blank(const char *s)
{
	return s[strspn(s, " \t\r\n")] == '\0';
}

/* Trimmed last character of a line, or 0. */
static char
last_char(const char *s, size_t n)
{
	while (n > 0 && strchr(" \t\r\n", s[n - 1]) != NULL)
		n--;
	return n > 0 ? s[n - 1] : 0;
}

/*
 * Open path ("-" for stdin): CSV records of kind when csv is set, JSON
 * otherwise.
 */
static void
reader_open(struct reader *rd, const char *path, int csv,
    enum csvrec_kind kind)
{
	json_error_t jerr;
	struct stat st;
	const char *p;
	char *all = NULL;
	size_t alllen;
	ssize_t n;
	json_t *first;
	FILE *m;

	memset(rd, 0, sizeof(*rd));
	rd->name = strcmp(path, "-") == 0 ? "stdin" : path;
	rd->unit = csv ? "line" : "record";
	if (strcmp(path, "-") == 0)
		rd->fp = stdin;
	else if ((rd->fp = fopen(path, "r")) == NULL)
		die(EXIT_REFUSED, "%s: %s", path, strerror(errno));
	if (fstat(fileno(rd->fp), &st) == 0 && S_ISREG(st.st_mode))
		rd->size = st.st_size;
	rd->progress = rd->size > 0 && isatty(STDERR_FILENO);
	clock_gettime(CLOCK_MONOTONIC, &rd->start);
	if (csv) {
		if ((rd->csv = csvrec_in_new(kind)) == NULL)
			die(EXIT_REFUSED, "out of memory");
		return;
	}
	while ((n = reader_line(rd)) > 0 && is_blank(rd->line))
		;
	if (n <= 0)
		return;		/* empty input: no records */
	p = rd->line + strspn(rd->line, " \t");
	first = json_loadb(rd->line, n, 0, NULL);
	if (json_is_object(first) ||
	    (*p == '{' && last_char(rd->line, n) == '}')) {
		json_decref(first);
		rd->lines = 1;
		rd->pending = 1;
		return;
	}
	json_decref(first);
	/* One document: the first line and the rest of the input. */
	m = memstream(&all, &alllen);
	do
		fwrite(rd->line, 1, n, m);
	while ((n = reader_line(rd)) > 0);
	fclose(m);
	rd->doc = json_loadb(all, alllen, 0, &jerr);
	free(all);
	if (rd->doc == NULL)
		die(EXIT_REFUSED, "%s:%d:%d: invalid JSON: %s", rd->name,
		    jerr.line, jerr.column, jerr.text);
}

static void
reader_close(struct reader *rd)
{
	if (rd->fp != stdin)
		fclose(rd->fp);
	free(rd->line);
	json_decref(rd->doc);
	csvrec_in_free(rd->csv);
}

/* reader_next() of CSV mode: records or rejected lines, in line order. */
static int
reader_next_csv(struct reader *rd, json_t **rec, char *err, size_t errlen)
{
	struct csvrec_item it;
	ssize_t n;
	int rc;

	while (!csvrec_in_next(rd->csv, &it)) {
		if (rd->eof)
			return 0;
		if ((n = reader_line(rd)) <= 0) {
			rd->eof = 1;
			rc = csvrec_in_end(rd->csv);
		} else
			rc = csvrec_in_line(rd->csv, rd->line, n);
		if (rc == -1)
			die(EXIT_REFUSED, "%s: %s", rd->name,
			    csvrec_in_error(rd->csv));
	}
	rd->recno = it.line;
	snprintf(rd->errid, sizeof(rd->errid), "%s", it.id);
	if ((*rec = it.rec) != NULL)
		return 1;
	snprintf(err, errlen, "%s%s%s", it.field, it.field[0] ? ": " : "",
	    it.message);
	return -1;
}

/*
 * Next record: 1 with *rec (a new reference), 0 at the end, -1 when
 * record rd->recno is not a JSON object (message in err).
 */
static int
reader_next(struct reader *rd, json_t **rec, char *err, size_t errlen)
{
	json_error_t jerr;
	ssize_t n;

	*rec = NULL;
	snprintf(rd->errid, sizeof(rd->errid), "?");
	if (rd->csv != NULL)
		return reader_next_csv(rd, rec, err, errlen);
	if (rd->lines) {
		if (!rd->pending) {
			while ((n = reader_line(rd)) > 0 && is_blank(rd->line))
				;
			if (n <= 0)
				return 0;
		}
		rd->pending = 0;
		rd->recno++;
		*rec = json_loadb(rd->line, rd->linelen, 0, &jerr);
		if (*rec == NULL) {
			snprintf(err, errlen, "line %lu: invalid JSON: %s",
			    rd->lineno, jerr.text);
			return -1;
		}
	} else if (json_is_object(rd->doc)) {
		if (rd->idx++ > 0)
			return 0;
		rd->recno++;
		*rec = json_incref(rd->doc);
	} else {
		if (rd->doc == NULL || rd->idx >= json_array_size(rd->doc))
			return 0;
		rd->recno++;
		*rec = json_incref(json_array_get(rd->doc, rd->idx++));
	}
	if (!json_is_object(*rec)) {
		json_decref(*rec);
		*rec = NULL;
		snprintf(err, errlen, "not a JSON object");
		return -1;
	}
	return 1;
}

/* The id of a record, plain or wrapped ({"offer": {...}}), for messages. */
static const char *
record_id(const json_t *rec, const char *wrap_key)
{
	const char *id;

	if ((id = jstr(rec, "id")) == NULL)
		id = jstr(json_object_get(rec, wrap_key), "id");
	return id != NULL ? id : "?";
}

/* ---- bulk put ---- */

struct putter {
	const char	*method;	/* candidate.put, offer.put */
	const char	*wrap_key;	/* "candidate", "offer" */
	long		 limit;		/* offer.put: -1 for the default */
	void		(*on_result)(struct ctl *, struct putter *,
			    const json_t *);
	unsigned long	 created, updated, rejected;
	unsigned long	 merged;	/* offers merged into another */
	int		 csv;		/* the input is CSV records of kind */
	enum csvrec_kind kind;
};

struct slot {
	int		 used;
	uint32_t	 msgid;
	unsigned long	 recno;
	const char	*unit;
	char		 id[72];
};

/* A progress bar is on the last line of stderr. */
static int progress_shown;

static void
progress_clear(void)
{
	if (progress_shown)
		fputs("\r\033[K", stderr);
	progress_shown = 0;
}

static long
ms_since(const struct timespec *t0, const struct timespec *t1)
{
	return (t1->tv_sec - t0->tv_sec) * 1000 +
	    (t1->tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * "[#######.......]  45%  12345 lines" on stderr, a tty, once the input
 * has taken more than half a second, redrawn ten times a second.
 */
static void
progress_draw(struct reader *rd)
{
	struct timespec now;
	char bar[31];
	int pct, k;

	if (!rd->progress)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (ms_since(&rd->start, &now) < 500 ||
	    (progress_shown && ms_since(&rd->drawn, &now) < 100))
		return;
	rd->drawn = now;
	pct = (int)(rd->bytes * 100 / rd->size);
	pct = pct > 100 ? 100 : pct;
	k = pct * 30 / 100;
	memset(bar, '#', k);
	memset(bar + k, '.', 30 - k);
	bar[30] = '\0';
	fprintf(stderr, "\r[%s] %3d%%  %lu lines", bar, pct, rd->lineno);
	progress_shown = 1;
}

static void
report_reject(const char *unit, unsigned long recno, const char *id,
    const char *what, const char *message)
{
	fflush(stdout);
	progress_clear();
	fprintf(stderr, "%s %lu (id %s): %s%s%s\n", unit, recno, id,
	    what ? what : "", what ? ": " : "", message);
}

/* The params of one record: itself, or wrapped to carry the limit. */
static json_t *
put_params(const struct putter *p, json_t *rec)
{
	json_t *inner;

	if (p->limit < 0)
		return rec;
	if (json_is_object(inner = json_object_get(rec, p->wrap_key))) {
		json_object_set_new(rec, "limit", json_integer(p->limit));
		return rec;
	}
	return json_pack("{s:o, s:I}", p->wrap_key, rec, "limit",
	    (json_int_t)p->limit);
}

static void
put_reply(struct ctl *ctl, struct putter *p, struct slot *slots,
    const struct reply *r)
{
	struct slot *sl = &slots[r->msgid % CTL_WINDOW];
	const char *code;

	if (!sl->used || sl->msgid != r->msgid)
		die(EXIT_CONN, "%s: reply to unknown request %u",
		    ctl->server, (unsigned)r->msgid);
	sl->used = 0;
	if (r->error == NULL) {
		p->on_result(ctl, p, r->result);
		return;
	}
	/*
	 * A bad record is the record's problem; anything else (Redis down,
	 * a bug, an oversized message that closes the connection) stops.
	 */
	code = jstr(r->error, "code");
	if (code == NULL || (strcmp(code, "invalid_argument") != 0 &&
	    strcmp(code, "not_found") != 0))
		die_server(p->method, r->error);
	p->rejected++;
	report_reject(sl->unit, sl->recno, sl->id, jstr(r->error, "field") ?
	    jstr(r->error, "field") : code, jstr(r->error, "message") ?
	    jstr(r->error, "message") : "");
}

/*
 * Send every record of path with up to CTL_WINDOW requests in flight.
 * Requests are packed in batches and the window refilled when half of it
 * has been answered, so writes stay large and the daemon stays busy.
 * Replies are matched by msgid: a request takes the slot msgid % window
 * and waits while an older request still holds it.
 */
static void
put_records(struct ctl *ctl, struct putter *p, const char *path)
{
	struct slot slots[CTL_WINDOW];
	struct reader rd;
	struct reply r;
	struct conn *c;
	msgpack_sbuffer sb;
	json_t *rec, *params;
	struct slot *sl;
	unsigned inflight = 0;
	char err[320];
	int rc, eof = 0;

	reader_open(&rd, path, p->csv, p->kind);
	c = ctl_conn(ctl);
	memset(slots, 0, sizeof(slots));
	memset(&r, 0, sizeof(r));
	msgpack_sbuffer_init(&sb);
	for (;;) {
		while (!eof && inflight < CTL_WINDOW &&
		    sb.size < CTL_BATCH_BYTES) {
			sl = &slots[c->next_msgid % CTL_WINDOW];
			if (sl->used)
				break;
			if ((rc = reader_next(&rd, &rec, err,
			    sizeof(err))) == 0) {
				eof = 1;
				break;
			}
			if (rc == -1) {
				p->rejected++;
				report_reject(rd.unit, rd.recno, rd.errid, NULL,
				    err);
				continue;
			}
			snprintf(sl->id, sizeof(sl->id), "%s",
			    record_id(rec, p->wrap_key));
			params = put_params(p, rec);
			rc = pack_request(&sb, c->next_msgid, p->method, params,
			    err, sizeof(err));
			json_decref(params);
			if (rc == -1) {
				p->rejected++;
				report_reject(rd.unit, rd.recno, sl->id, NULL,
				    err);
				continue;
			}
			sl->used = 1;
			sl->msgid = c->next_msgid++;
			sl->recno = rd.recno;
			sl->unit = rd.unit;
			inflight++;
		}
		if (sb.size > 0) {
			conn_write(c, sb.data, sb.size);
			msgpack_sbuffer_clear(&sb);
		}
		progress_draw(&rd);
		if (eof && inflight == 0)
			break;
		/* At least one reply, so that a busy slot frees up. */
		do {
			if (conn_recv(c, &r) == 0)
				die(EXIT_CONN, "%s: connection closed with %u "
				    "requests unanswered", c->server, inflight);
			check_notification(&r);
			if (r.type != RPC_RESPONSE)
				continue;
			put_reply(ctl, p, slots, &r);
			inflight--;
		} while (inflight > (eof ? 0 : CTL_WINDOW / 2));
	}
	progress_clear();
	reply_clear(&r);
	msgpack_sbuffer_destroy(&sb);
	reader_close(&rd);
}

/* A put answered {id, created}: candidates, clause operations. */
static void
created_done(struct ctl *ctl, struct putter *p, const json_t *result)
{
	if (json_is_true(json_object_get(result, "created")))
		p->created++;
	else
		p->updated++;
}

static void
offer_done(struct ctl *ctl, struct putter *p, const json_t *result)
{
	if (!ctl->json && p->created + p->updated + p->merged > 0)
		putchar('\n');
	if (jstr(result, "merged_into") != NULL)
		p->merged++;
	else
		p->created++;
	print_result(ctl, result);
	fflush(stdout);
}

/* ---- commands ---- */

static json_t *
id_params(const char *key, const char *id)
{
	return json_pack("{s:s}", key, id);
}

static int
cmd_ping(struct ctl *ctl, struct opts *o)
{
	struct timespec t0, t1;
	json_t *res;
	time_t t;
	char when[64];

	clock_gettime(CLOCK_MONOTONIC, &t0);
	res = call(ctl, "ping", NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (ctl->json)
		print_json(ctl, res);
	else {
		t = (time_t)json_integer_value(json_object_get(res, "time"));
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC",
		    gmtime(&t));
		printf("pong from %s: protocol %lld, server time %s, "
		    "round trip %.2f ms\n", ctl->server, (long long)
		    json_integer_value(json_object_get(res, "version")), when,
		    (t1.tv_sec - t0.tv_sec) * 1e3 +
		    (t1.tv_nsec - t0.tv_nsec) / 1e6);
	}
	json_decref(res);
	return 0;
}

/* CSV with --format csv, or without --format for a FILE.csv. */
static int
is_csv(const struct opts *o)
{
	size_t n = strlen(o->pos[0]);

	if (o->format != NULL) {
		if (strcmp(o->format, "csv") != 0 &&
		    strcmp(o->format, "json") != 0 &&
		    strcmp(o->format, "francetravail") != 0)
			usage(NULL);
		return strcmp(o->format, "csv") == 0;
	}
	return n > 4 && strcasecmp(o->pos[0] + n - 4, ".csv") == 0;
}

/* "what: 3 created, 1 updated, 0 rejected"; exit status 1 on a reject. */
static int
put_summary(const struct ctl *ctl, const struct putter *p, const char *what)
{
	if (ctl->json)
		printf("{\"created\":%lu,\"updated\":%lu,\"rejected\":%lu}\n",
		    p->created, p->updated, p->rejected);
	else
		printf("%s: %lu created, %lu updated, %lu rejected\n", what,
		    p->created, p->updated, p->rejected);
	return p->rejected > 0 ? EXIT_REFUSED : 0;
}

static int
cmd_candidate_put(struct ctl *ctl, struct opts *o)
{
	struct putter p = { .method = "candidate.put",
	    .wrap_key = "candidate", .limit = -1, .on_result = created_done,
	    .kind = CSVREC_CANDIDATE };

	p.csv = is_csv(o);
	put_records(ctl, &p, o->pos[0]);
	return put_summary(ctl, &p, "candidates");
}

/* method {id}, the record it answers printed as JSON. */
static int
get_by_id(struct ctl *ctl, const char *method, const char *id)
{
	json_t *res;

	res = call(ctl, method, id_params("id", id));
	print_json(ctl, res);
	json_decref(res);
	return 0;
}

static int
cmd_candidate_get(struct ctl *ctl, struct opts *o)
{
	return get_by_id(ctl, "candidate.get", o->pos[0]);
}

static int
cmd_candidate_delete(struct ctl *ctl, struct opts *o)
{
	json_t *res;

	res = call(ctl, "candidate.delete", id_params("id", o->pos[0]));
	if (ctl->json)
		print_json(ctl, res);
	else
		printf("candidate %s deleted\n", jstr(res, "id") ?
		    jstr(res, "id") : o->pos[0]);
	json_decref(res);
	return 0;
}

/* "F1701 24m, F1704 6m" */
static char *
jobs_text(const json_t *jobs)
{
	const json_t *job;
	char *buf = NULL;
	size_t i, len;
	FILE *m;

	m = memstream(&buf, &len);
	json_array_foreach(jobs, i, job) {
		fprintf(m, "%s%s %lldm", i > 0 ? ", " : "",
		    jstr(job, "rome") ? jstr(job, "rome") : "?", (long long)
		    json_integer_value(json_object_get(job, "months")));
	}
	fclose(m);
	return buf;
}

static void
print_candidate_row(const struct ctl *ctl, const json_t *cand)
{
	char *sectors, *jobs, *line = NULL;
	const char *place;
	size_t len;
	FILE *m;

	if (ctl->json) {
		print_json(ctl, cand);
		return;
	}
	sectors = join_strings(json_object_get(cand, "sectors"), ",");
	jobs = jobs_text(json_object_get(cand, "jobs"));
	place = jstr(cand, "commune") ? jstr(cand, "commune") : "-";
	m = memstream(&line, &len);
	fprintf(m, "%-12s %-9s %-5s %3lldkm  %-20s %s",
	    jstr(cand, "id") ? jstr(cand, "id") : "?",
	    jstr(cand, "status") ? jstr(cand, "status") : "?", place,
	    (long long)json_integer_value(json_object_get(cand, "radius_km")),
	    sectors, jobs);
	fclose(m);
	print_cell(line, ctl->width, 0);
	putchar('\n');
	free(line);
	free(sectors);
	free(jobs);
}

/*
 * Call each for the candidates of candidate.list (one sector at most),
 * following the cursors when all is set.  Returns the number seen.
 */
static unsigned long
list_candidates(struct ctl *ctl, const struct opts *o, int all,
    void (*each)(const struct ctl *, const json_t *, void *), void *arg)
{
	json_t *params, *res, *cands, *cand, *cursor = NULL;
	unsigned long n = 0;
	size_t i;

	if (json_array_size(o->sectors) > 1)
		usage(NULL);
	for (;;) {
		params = json_object();
		if (json_array_size(o->sectors) == 1)
			json_object_set(params, "sector",
			    json_array_get(o->sectors, 0));
		if (o->count > 0)
			json_object_set_new(params, "count",
			    json_integer(o->count));
		if (cursor != NULL)
			json_object_set_new(params, "cursor", cursor);
		res = call(ctl, "candidate.list", params);
		cands = json_object_get(res, "candidates");
		json_array_foreach(cands, i, cand) {
			each(ctl, cand, arg);
			n++;
		}
		cursor = json_object_get(res, "cursor");
		cursor = json_is_string(cursor) ? json_incref(cursor) : NULL;
		json_decref(res);
		if (cursor == NULL)
			break;
		if (!all) {
			fflush(stdout);
			fprintf(stderr, "matchctl: more candidates follow "
			    "(--all to list them)\n");
			json_decref(cursor);
			break;
		}
	}
	return n;
}

static void
candidate_row_cb(const struct ctl *ctl, const json_t *cand, void *arg)
{
	print_candidate_row(ctl, cand);
}

static int
cmd_candidate_list(struct ctl *ctl, struct opts *o)
{
	list_candidates(ctl, o, o->all, candidate_row_cb, NULL);
	return 0;
}

/* An offer of a CSV import: one line, or its result for --json. */
static void
offer_line(struct ctl *ctl, struct putter *p, const json_t *result)
{
	if (print_merged(ctl, result)) {
		p->merged++;
		return;
	}
	p->created++;
	if (ctl->json)
		print_json(ctl, result);
	else
		printf("offer %s: %lld eligible of %lld, %zu suggested\n",
		    jstr(json_object_get(result, "offer"), "id") ?
		    jstr(json_object_get(result, "offer"), "id") : "?",
		    (long long)json_integer_value(json_object_get(result,
		    "eligible")), (long long)json_integer_value(
		    json_object_get(result, "considered")),
		    json_array_size(json_object_get(result, "suggestions")));
}

/*
 * --format francetravail: the document goes to the daemon as received
 * (feed.push), which maps, reads, stores and scores each offer.  A
 * document over one message (a saved export of a day's offers) is split
 * into pages of whole offers, each sent as a search response, and the
 * reports are added up.  Files are bounded as feed.push's documents are.
 */
#define FT_FILE_MAX	(16u << 20)
#define FT_PAGE_BYTES	(PROTO_MAX_MESSAGE_DEFAULT - 8192)

/* Add feed.push's report res to total. */
static void
feed_total_add(json_t *total, const json_t *res)
{
	static const char *const counts[] = { "accepted", "updated",
	    "rejected", "duplicates", "uncertain", NULL };
	static const char *const lists[] = { "errors", "merged",
	    "possible_duplicates", NULL };
	json_t *l;
	int i;

	for (i = 0; counts[i] != NULL; i++)
		json_object_set_new(total, counts[i], json_integer(
		    jint(total, counts[i]) + jint(res, counts[i])));
	for (i = 0; lists[i] != NULL; i++) {
		if ((l = json_object_get(total, lists[i])) == NULL)
			json_object_set_new(total, lists[i], l = json_array());
		if (json_is_array(json_object_get(res, lists[i])))
			json_array_extend(l, json_object_get(res, lists[i]));
	}
}

static void
feed_send(struct ctl *ctl, const char *path, const char *doc, size_t n,
    json_t *total)
{
	json_t *params, *res;

	params = json_pack("{s:s, s:s%}", "format", "francetravail",
	    "payload", doc, n);
	if (params == NULL)
		die(EXIT_REFUSED, "%s: the document is not UTF-8 text", path);
	res = call(ctl, "feed.push", params);
	feed_total_add(total, res);
	json_decref(res);
}

/* Send page as a search response, and empty it. */
static void
feed_send_page(struct ctl *ctl, const char *path, json_t *page,
    json_t *total)
{
	json_t *doc = json_pack("{s:O}", "resultats", page);
	char *text = json_dumps(doc, JSON_COMPACT);

	if (text == NULL)
		die(EXIT_REFUSED, "%s: out of memory", path);
	feed_send(ctl, path, text, strlen(text), total);
	free(text);
	json_decref(doc);
	json_array_clear(page);
}

/* A document over one message: its offers, a page at a time. */
static void
feed_split(struct ctl *ctl, const char *path, const char *buf, size_t n,
    json_t *total)
{
	json_t *root, *list, *item, *page, *err;
	json_error_t jerr;
	size_t i, len, bytes = 0;
	char *one;

	if ((root = json_loadb(buf, n, 0, &jerr)) == NULL)
		die(EXIT_REFUSED, "%s: over %d bytes, and not JSON to split "
		    "(line %d: %s)", path, FT_PAGE_BYTES, jerr.line, jerr.text);
	list = json_is_array(root) ? root : json_object_get(root, "resultats");
	if (!json_is_array(list))
		die(EXIT_REFUSED, "%s: over %d bytes, and not a list of offers "
		    "or a search response to split", path, FT_PAGE_BYTES);
	page = json_array();
	json_array_foreach(list, i, item) {
		if ((one = json_dumps(item, JSON_COMPACT | JSON_ENCODE_ANY)) ==
		    NULL)
			die(EXIT_REFUSED, "%s: out of memory", path);
		len = strlen(one);
		free(one);
		if (len + 64 > FT_PAGE_BYTES) {
			/* Alone over a message: reported, the rest goes on. */
			err = json_pack("{s:s?, s:s}", "id",
			    json_string_value(json_object_get(item, "id")),
			    "reason", "offer over the message bound");
			json_array_append_new(json_object_get(total, "errors"),
			    err);
			json_object_set_new(total, "rejected",
			    json_integer(jint(total, "rejected") + 1));
			continue;
		}
		if (bytes + len + 64 > FT_PAGE_BYTES) {
			feed_send_page(ctl, path, page, total);
			bytes = 0;
		}
		json_array_append(page, item);
		bytes += len + 1;
	}
	if (json_array_size(page) > 0)
		feed_send_page(ctl, path, page, total);
	json_decref(page);
	json_decref(root);
}

static int
push_francetravail(struct ctl *ctl, const char *path)
{
	json_t *total, *e;
	char *buf;
	size_t n, i;
	FILE *fp;

	if (strcmp(path, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(path, "rb")) == NULL)
		die(EXIT_REFUSED, "%s: %s", path, strerror(errno));
	if ((buf = malloc(FT_FILE_MAX + 1)) == NULL)
		die(EXIT_REFUSED, "%s: out of memory", path);
	n = fread(buf, 1, FT_FILE_MAX + 1, fp);
	if (n > FT_FILE_MAX)
		die(EXIT_REFUSED, "%s: over %u bytes: split the document "
		    "(the API pages by 150 offers)", path, FT_FILE_MAX);
	if (ferror(fp))
		die(EXIT_REFUSED, "%s: %s", path, strerror(errno));
	if (fp != stdin)
		fclose(fp);
	total = json_pack("{s:i, s:i, s:i, s:i, s:i, s:[], s:[], s:[]}",
	    "accepted", 0, "updated", 0, "rejected", 0, "duplicates", 0,
	    "uncertain", 0, "errors", "merged", "possible_duplicates");
	if (n <= FT_PAGE_BYTES)
		feed_send(ctl, path, buf, n, total);
	else
		feed_split(ctl, path, buf, n, total);
	free(buf);
	json_array_foreach(json_object_get(total, "errors"), i, e)
		fprintf(stderr, "offer %s: %s\n", jtext(e, "id"),
		    jtext(e, "reason"));
	if (ctl->json)
		print_json(ctl, total);
	else {
		json_array_foreach(json_object_get(total, "merged"), i, e)
			printf("offer %s: the same job as %s, merged (%s)\n",
			    jtext(e, "id"), jtext(e, "into"), jtext(e, "why"));
		json_array_foreach(json_object_get(total,
		    "possible_duplicates"), i, e)
			printf("offer %s: maybe the same job as %s (%s)\n",
			    jtext(e, "id"), jtext(e, "other"), jtext(e, "why"));
		printf("offers: %lld accepted, %lld updated, %lld rejected, "
		    "%lld duplicates, %lld maybe duplicates\n",
		    jint(total, "accepted"), jint(total, "updated"),
		    jint(total, "rejected"), jint(total, "duplicates"),
		    jint(total, "uncertain"));
	}
	n = (size_t)jint(total, "rejected");
	json_decref(total);
	return n > 0 ? EXIT_REFUSED : 0;
}

static int
cmd_offer_put(struct ctl *ctl, struct opts *o)
{
	struct putter p = { .method = "offer.put", .wrap_key = "offer",
	    .limit = o->limit, .on_result = offer_done, .kind = CSVREC_OFFER };

	if (o->format != NULL && strcmp(o->format, "francetravail") == 0)
		return push_francetravail(ctl, o->pos[0]);
	if ((p.csv = is_csv(o)))
		p.on_result = offer_line;
	put_records(ctl, &p, o->pos[0]);
	if (p.csv) {
		if (ctl->json)
			printf("{\"scored\":%lu,\"merged\":%lu,"
			    "\"rejected\":%lu}\n", p.created, p.merged,
			    p.rejected);
		else
			printf("offers: %lu scored (created or updated), "
			    "%lu merged into the same job, %lu rejected\n",
			    p.created, p.merged, p.rejected);
		return p.rejected > 0 ? EXIT_REFUSED : 0;
	}
	if (p.rejected > 0) {
		fflush(stdout);
		fprintf(stderr, "offers: %lu scored, %lu rejected\n",
		    p.created, p.rejected);
		return EXIT_REFUSED;
	}
	return 0;
}

static int
cmd_offer_get(struct ctl *ctl, struct opts *o)
{
	json_t *res, *ref, *result;
	size_t i;
	char *t;

	res = call(ctl, "offer.get", id_params("id", o->pos[0]));
	if (ctl->json) {
		print_json(ctl, res);
		json_decref(res);
		return 0;
	}
	result = json_object_get(res, "result");
	if (json_is_object(result))
		print_result(ctl, result);
	else
		print_offer_header(ctl, json_object_get(res, "offer"));
	printf("status %s", jstr(res, "status") ? jstr(res, "status") : "?");
	t = time_text(json_object_get(res, "created_at"));
	if (t != NULL && strcmp(t, "null") != 0)
		printf(", created %s", t);
	free(t);
	if (jstr(res, "closed_reason") != NULL)
		printf(", closed: %s", jstr(res, "closed_reason"));
	printf("\nreferrals: %zu\n",
	    json_array_size(json_object_get(res, "referrals")));
	json_array_foreach(json_object_get(res, "referrals"), i, ref) {
		t = time_text(json_object_get(ref, "updated_at"));
		printf("  %-20s %-12s %s\n", jstr(ref, "candidate") ?
		    jstr(ref, "candidate") : "?", jstr(ref, "status") ?
		    jstr(ref, "status") : "?", t ? t : "");
		free(t);
	}
	json_decref(res);
	return 0;
}

static int
cmd_offer_match(struct ctl *ctl, struct opts *o)
{
	json_t *params, *res;

	params = id_params("id", o->pos[0]);
	if (o->limit > 0)
		json_object_set_new(params, "limit", json_integer(o->limit));
	res = call(ctl, "offer.match", params);
	print_result(ctl, res);
	json_decref(res);
	return 0;
}

/*
 * The uncertain pairs of duplicates (docs/DEDUP.md), newest first; or
 * "merge|dismiss OFFER OTHER", an adviser's word on one (offer.resolve).
 */
static int
cmd_duplicates(struct ctl *ctl, struct opts *o)
{
	json_t *params, *res, *pr;
	char when[32], *buf = NULL;
	size_t i, len;
	time_t t;
	FILE *m;

	if (o->npos > 0) {
		if (o->npos != 3 || (strcmp(o->pos[0], "merge") != 0 &&
		    strcmp(o->pos[0], "dismiss") != 0))
			die(EXIT_USAGE, "usage: duplicates merge|dismiss OFFER "
			    "OTHER");
		res = call(ctl, "offer.resolve", json_pack("{s:s, s:s, s:s}",
		    "action", o->pos[0], "offer", o->pos[1], "other",
		    o->pos[2]));
		if (ctl->json)
			print_json(ctl, res);
		else if (strcmp(o->pos[0], "merge") == 0)
			printf("offer %s: closed, merged into %s\n", o->pos[1],
			    o->pos[2]);
		else
			printf("offers %s and %s: two jobs, no longer listed\n",
			    o->pos[1], o->pos[2]);
		json_decref(res);
		return 0;
	}
	params = json_object();
	if (o->count > 0)
		json_object_set_new(params, "count", json_integer(o->count));
	res = call(ctl, "offer.duplicates", params);
	if (ctl->json)
		print_json(ctl, res);
	else if (json_array_size(json_object_get(res, "pairs")) == 0)
		printf("(no uncertain duplicates)\n");
	else
		json_array_foreach(json_object_get(res, "pairs"), i, pr) {
			t = (time_t)jint(pr, "at");
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M",
			    localtime(&t));
			m = memstream(&buf, &len);
			fprintf(m, "%s  %s (%s) ~ %s (%s): %s", when,
			    jtext(pr, "offer"), jtext(pr, "offer_status"),
			    jtext(pr, "other"), jtext(pr, "other_status"),
			    jtext(pr, "why"));
			fclose(m);
			print_wrapped(buf, 0, 4, ctl->width);
			free(buf);
			buf = NULL;
		}
	json_decref(res);
	return 0;
}

static int
cmd_offer_close(struct ctl *ctl, struct opts *o)
{
	json_t *params, *res;

	params = id_params("id", o->pos[0]);
	if (o->reason != NULL)
		json_object_set_new(params, "reason", json_string(o->reason));
	res = call(ctl, "offer.close", params);
	if (ctl->json)
		print_json(ctl, res);
	else if (jstr(res, "reason") != NULL)
		printf("offer %s closed (%s)\n", o->pos[0],
		    jstr(res, "reason"));
	else
		printf("offer %s closed\n", o->pos[0]);
	json_decref(res);
	return 0;
}

/* ---- clause operations (docs/CLAUSE.md) ---- */

static int
cmd_clause_put(struct ctl *ctl, struct opts *o)
{
	struct putter p = { .method = "clause.put", .wrap_key = "operation",
	    .limit = -1, .on_result = created_done, .kind = CSVREC_CANDIDATE };

	put_records(ctl, &p, o->pos[0]);
	return put_summary(ctl, &p, "operations");
}

static int
cmd_clause_get(struct ctl *ctl, struct opts *o)
{
	return get_by_id(ctl, "clause.get", o->pos[0]);
}

/* "1600 h committed of 32000 h (5 %)", or without the total. */
static void
hours_text(FILE *m, const json_t *h)
{
	const json_t *total = json_object_get(h, "hours_total");

	fprintf(m, "%lld h committed", jint(h, "hours_committed"));
	if (json_is_integer(total))
		fprintf(m, " of %lld h (%.2f %%)", jint(h, "hours_total"),
		    json_number_value(json_object_get(h, "rate")));
}

/* One operation of clause.list: id, period, authority, name, contractors. */
static void
print_operation(const struct ctl *ctl, const json_t *op)
{
	const json_t *c;
	char *line = NULL;
	size_t len, i;
	FILE *m;

	m = memstream(&line, &len);
	fprintf(m, "%s  %s → %s  %s · %s", jstr(op, "id") ? jstr(op, "id") :
	    "?", jstr(op, "start") ? jstr(op, "start") : "?",
	    jstr(op, "end") ? jstr(op, "end") : "?",
	    jstr(op, "authority") ? jstr(op, "authority") : "?",
	    jstr(op, "name") ? jstr(op, "name") : "?");
	fclose(m);
	print_cell(line, ctl->width, 0);
	putchar('\n');
	free(line);
	/* Its own hours, or each contractor's. */
	if (json_array_size(json_object_get(op, "contractors")) == 0) {
		m = memstream(&line, &len);
		hours_text(m, op);
		fclose(m);
		printf("  ");
		print_wrapped(line, 2, 4, ctl->width);
		free(line);
	}
	json_array_foreach(json_object_get(op, "contractors"), i, c) {
		m = memstream(&line, &len);
		fprintf(m, "%s %s: ", jstr(c, "id") ? jstr(c, "id") : "?",
		    jstr(c, "name") ? jstr(c, "name") : "?");
		hours_text(m, c);
		fclose(m);
		printf("  ");
		print_wrapped(line, 2, 4, ctl->width);
		free(line);
	}
}

static int
cmd_clause_list(struct ctl *ctl, struct opts *o)
{
	json_t *params, *res, *op;
	size_t i;

	params = json_object();
	if (o->count > 0)
		json_object_set_new(params, "count", json_integer(o->count));
	res = call(ctl, "clause.list", params);
	if (ctl->json)
		print_json(ctl, res);
	else if (json_array_size(json_object_get(res, "operations")) == 0)
		printf("(no operations)\n");
	else
		json_array_foreach(json_object_get(res, "operations"), i, op)
			print_operation(ctl, op);
	json_decref(res);
	return 0;
}

/* Columns of the report's rows after the label. */
#define REPORT_COLS	(1 + 9 + 1 + 9 + 1 + 9 + 1 + 6 + 1 + 5 + 2 + 6 + 2)

/* One row: label, committed, realised, expected, %, hired, behind. */
static void
print_report_row(const struct ctl *ctl, const char *label, int cw,
    const json_t *f)
{
	const json_t *pct = json_object_get(f, "percent");
	char p[16], *crit;

	if (json_is_number(pct))
		snprintf(p, sizeof(p), "%.1f", json_number_value(pct));
	else
		snprintf(p, sizeof(p), "-");
	printf("  ");
	print_cell(label, cw, 1);
	printf(" %9lld %9lld %9lld %6s %5lld  %-6s  ",
	    jint(f, "hours_committed"), jint(f, "hours_realised"),
	    jint(f, "hours_expected"), p, jint(f, "people"),
	    json_is_true(json_object_get(f, "behind")) ? "BEHIND" : "-");
	crit = value_text(json_object_get(f, "hired_criteria"));
	print_wrapped(crit ? crit : "-", 2 + cw + REPORT_COLS,
	    2 + cw + REPORT_COLS, ctl->width);
	free(crit);
}

/* "bouygues-tp Bouygues TP", "(no contractor)", "x (not declared)". */
static char *
contractor_label(const json_t *c)
{
	char *buf = NULL;
	size_t len;
	FILE *m;

	m = memstream(&buf, &len);
	if (jstr(c, "id") == NULL)
		fputs("(no contractor)", m);
	else if (!json_is_true(json_object_get(c, "declared")))
		fprintf(m, "%s (not declared)", jstr(c, "id"));
	else
		fprintf(m, "%s %s", jstr(c, "id"), jstr(c, "name") ?
		    jstr(c, "name") : "");
	fclose(m);
	return buf;
}

static void
print_report_operation(const struct ctl *ctl, const json_t *op)
{
	const json_t *rows = json_object_get(op, "contractors"), *c;
	char *line = NULL, *label;
	size_t len, i;
	int cw = 17, n;
	FILE *m;

	m = memstream(&line, &len);
	fprintf(m, "operation %s · %s (%s) · %s → %s, %s",
	    jstr(op, "id") ? jstr(op, "id") : "?",
	    jstr(op, "name") ? jstr(op, "name") : "?",
	    jstr(op, "authority") ? jstr(op, "authority") : "?",
	    jstr(op, "start") ? jstr(op, "start") : "?",
	    jstr(op, "end") ? jstr(op, "end") : "?",
	    jstr(op, "period") ? jstr(op, "period") : "?");
	fclose(m);
	print_wrapped(line, 0, 2, ctl->width);
	free(line);
	json_array_foreach(rows, i, c) {
		label = contractor_label(c);
		if ((n = utf8_cols(label, strlen(label))) > cw)
			cw = n;
		free(label);
	}
	if (cw > 30)
		cw = 30;
	printf("  %-*s %9s %9s %9s %6s %5s  %-6s  %s\n", cw, "contractor",
	    "committed", "realised", "expected", "%", "hired", "behind",
	    "criteria");
	print_report_row(ctl, "(operation)", cw, op);
	json_array_foreach(rows, i, c) {
		label = contractor_label(c);
		print_report_row(ctl, label, cw, c);
		free(label);
	}
}

static int
cmd_clause_report(struct ctl *ctl, struct opts *o)
{
	json_t *params, *res, *op, *total;
	size_t i;

	params = json_object();
	if (o->operation != NULL)
		json_object_set_new(params, "operation",
		    json_string(o->operation));
	if (o->contractor != NULL)
		json_object_set_new(params, "contractor",
		    json_string(o->contractor));
	if (o->behind)
		json_object_set_new(params, "behind", json_true());
	if (o->count > 0)
		json_object_set_new(params, "count", json_integer(o->count));
	res = call(ctl, "clause.report", params);
	if (ctl->json) {
		print_json(ctl, res);
		json_decref(res);
		return 0;
	}
	printf("clause report on %s: %lld operations, %lld behind\n",
	    jstr(res, "today") ? jstr(res, "today") : "?",
	    jint(res, "matched"), jint(res, "behind"));
	json_array_foreach(json_object_get(res, "operations"), i, op) {
		putchar('\n');
		print_report_operation(ctl, op);
	}
	total = json_object_get(res, "total");
	printf("\ntotal: %lld h committed, %lld h realised, %lld h expected "
	    "by today, hired: %lld\n",
	    jint(total, "hours_committed"), jint(total, "hours_realised"),
	    jint(total, "hours_expected"), jint(total, "people"));
	json_decref(res);
	return 0;
}

/* ---- CSV export ---- */

#define CSV_SEP	';'	/* what spreadsheets in French expect */

/* path, or stdout for NULL and "-"; a BOM so that spreadsheets see UTF-8. */
static FILE *
export_open(const char *path)
{
	FILE *fp = stdout;

	if (path != NULL && strcmp(path, "-") != 0 &&
	    (fp = fopen(path, "w")) == NULL)
		die(EXIT_REFUSED, "%s: %s", path, strerror(errno));
	fputs("\xef\xbb\xbf", fp);
	return fp;
}

static void
export_close(FILE *fp, const char *path, unsigned long n, const char *what)
{
	if (fp == stdout)
		return;
	if (ferror(fp) | (fclose(fp) == EOF))
		die(EXIT_REFUSED, "%s: %s", path, strerror(errno));
	printf("%lu %s written to %s\n", n, what, path);
}

static void
export_candidate_cb(const struct ctl *ctl, const json_t *cand, void *arg)
{
	if (csvrec_write_record(arg, CSVREC_CANDIDATE, cand, CSV_SEP) == -1)
		die(EXIT_REFUSED, "write: %s", strerror(errno));
}

static int
cmd_export_candidates(struct ctl *ctl, struct opts *o)
{
	unsigned long n;
	FILE *fp;

	if (json_array_size(o->sectors) != 1)
		usage(NULL);
	o->count = 200;
	fp = export_open(o->pos[0]);
	csvrec_write_header(fp, CSVREC_CANDIDATE, CSV_SEP);
	n = list_candidates(ctl, o, 1, export_candidate_cb, fp);
	export_close(fp, o->pos[0], n, "candidates");
	return 0;
}

/* The referral status of candidate id in offer.get's referrals, or "". */
static const char *
referral_status(const json_t *refs, const char *id)
{
	const json_t *ref;
	size_t i;

	json_array_foreach(refs, i, ref) {
		if (id != NULL && jstr(ref, "candidate") != NULL &&
		    strcmp(jstr(ref, "candidate"), id) == 0)
			return jstr(ref, "status") ? jstr(ref, "status") : "";
	}
	return "";
}

static int
cmd_export_suggestions(struct ctl *ctl, struct opts *o)
{
	static const char *const head[] = { "offre", "rang", "candidat",
	    "score", "distance_km", "mise_en_relation", "raisons" };
	const json_t *sugg, *s, *refs;
	const char *cells[7];
	char rank[24], score[40], km[40], *reasons;
	json_t *res;
	size_t i;
	FILE *fp;

	res = call(ctl, "offer.get", id_params("id", o->pos[0]));
	if (!json_is_object(json_object_get(res, "result")))
		die(EXIT_REFUSED, "offer %s has no match result", o->pos[0]);
	sugg = json_object_get(json_object_get(res, "result"), "suggestions");
	refs = json_object_get(res, "referrals");
	fp = export_open(o->pos[1]);
	csvrec_write_row(fp, head, 7, CSV_SEP);
	json_array_foreach(sugg, i, s) {
		snprintf(rank, sizeof(rank), "%lld", (long long)
		    json_integer_value(json_object_get(s, "rank")));
		csvrec_format_real(json_number_value(json_object_get(s,
		    "score")), score, sizeof(score));
		km[0] = '\0';
		if (json_is_number(json_object_get(s, "distance_km")))
			csvrec_format_real(json_number_value(
			    json_object_get(s, "distance_km")), km,
			    sizeof(km));
		reasons = join_strings(json_object_get(s, "reasons"), "; ");
		cells[0] = o->pos[0];
		cells[1] = rank;
		cells[2] = jstr(s, "candidate");
		cells[3] = score;
		cells[4] = km;
		cells[5] = referral_status(refs, jstr(s, "candidate"));
		cells[6] = reasons;
		if (csvrec_write_row(fp, cells, 7, CSV_SEP) == -1)
			die(EXIT_REFUSED, "write: %s", strerror(errno));
		free(reasons);
	}
	export_close(fp, o->pos[1], json_array_size(sugg), "suggestions");
	json_decref(res);
	return 0;
}

static int
cmd_watch(struct ctl *ctl, struct opts *o)
{
	struct conn *c;
	struct reply r;
	json_t *params, *res;
	char *sec, *src;

	params = json_object();
	if (o->sectors != NULL)
		json_object_set(params, "sectors", o->sectors);
	if (o->sources != NULL)
		json_object_set(params, "sources", o->sources);
	res = call(ctl, "subscribe", params);
	if (isatty(STDERR_FILENO)) {
		sec = join_strings(json_object_get(res, "sectors"), ",");
		src = join_strings(json_object_get(res, "sources"), ",");
		fprintf(stderr, "watching sectors %s, sources %s "
		    "(interrupt to stop)\n", *sec ? sec : "all",
		    *src ? src : "all");
		free(sec);
		free(src);
	}
	json_decref(res);
	fflush(stdout);

	c = ctl_conn(ctl);
	c->timeout_ms = -1;	/* events come when they come */
	memset(&r, 0, sizeof(r));
	while (conn_recv(c, &r) == 1) {
		check_notification(&r);
		if (r.type != RPC_NOTIFICATION ||
		    strcmp(r.method, "suggestions") != 0)
			continue;
		print_result(ctl, r.payload);
		if (!ctl->json)
			putchar('\n');
		fflush(stdout);
	}
	reply_clear(&r);
	die(EXIT_CONN, "%s: connection closed by the server", ctl->server);
}

static int
cmd_referral(struct ctl *ctl, struct opts *o)
{
	json_t *params, *res;
	char *t;

	params = json_pack("{s:s, s:s, s:s}", "offer", o->pos[0],
	    "candidate", o->pos[1], "status", o->pos[2]);
	if (o->note != NULL)
		json_object_set_new(params, "note", json_string(o->note));
	res = call(ctl, "referral.update", params);
	if (ctl->json)
		print_json(ctl, res);
	else {
		t = time_text(json_object_get(res, "updated_at"));
		printf("referral %s / %s: %s → %s (%s)\n", o->pos[0],
		    o->pos[1], jstr(res, "from") ? jstr(res, "from") : "?",
		    jstr(res, "status") ? jstr(res, "status") : o->pos[2],
		    t ? t : "?");
		free(t);
	}
	json_decref(res);
	return 0;
}

static int
cmd_stats(struct ctl *ctl, struct opts *o)
{
	json_t *res;

	res = call(ctl, "stats", NULL);
	if (ctl->json || !json_is_object(res))
		print_json(ctl, res);
	else
		print_pairs(ctl, res);
	json_decref(res);
	return 0;
}

static int
cmd_call(struct ctl *ctl, struct opts *o)
{
	json_error_t jerr;
	json_t *params = NULL, *res;

	if (o->npos > 1) {
		params = json_loads(o->pos[1], JSON_DECODE_ANY, &jerr);
		if (params == NULL)
			die(EXIT_USAGE, "params: invalid JSON: %s", jerr.text);
		if (!json_is_object(params) && !json_is_array(params))
			die(EXIT_USAGE, "params must be a JSON object or "
			    "array");
	}
	res = call(ctl, o->pos[0], params);
	print_json(ctl, res);
	json_decref(res);
	return 0;
}

static const struct command commands[] = {
	{ "ping", NULL, cmd_ping, 0, 0, 0, "ping" },
	{ "candidate", "put", cmd_candidate_put, 1, 1, 0,
	    "candidate put FILE|-" },
	{ "candidate", "get", cmd_candidate_get, 1, 1, 0,
	    "candidate get ID" },
	{ "candidate", "delete", cmd_candidate_delete, 1, 1, 0,
	    "candidate delete ID" },
	{ "candidate", "list", cmd_candidate_list, 0, 0,
	    OPT_SECTOR | OPT_COUNT | OPT_ALL,
	    "candidate list [--sector S] [--count N] [--all]" },
	{ "offer", "put", cmd_offer_put, 1, 1, OPT_LIMIT,
	    "offer put FILE|- [--limit N]" },
	{ "offer", "get", cmd_offer_get, 1, 1, 0, "offer get ID" },
	{ "import", "candidates", cmd_candidate_put, 1, 1, OPT_FORMAT,
	    "import candidates FILE|- [--format csv|json]" },
	{ "import", "offers", cmd_offer_put, 1, 1, OPT_FORMAT | OPT_LIMIT,
	    "import offers FILE|- [--format csv|json|francetravail] "
	    "[--limit N]" },
	{ "export", "candidates", cmd_export_candidates, 0, 1, OPT_SECTOR,
	    "export candidates --sector S [FILE|-]" },
	{ "export", "suggestions", cmd_export_suggestions, 1, 2, 0,
	    "export suggestions OFFER [FILE|-]" },
	{ "offer", "match", cmd_offer_match, 1, 1, OPT_LIMIT,
	    "offer match ID [--limit N]" },
	{ "offer", "close", cmd_offer_close, 1, 1, OPT_REASON,
	    "offer close ID [--reason TEXT]" },
	{ "watch", NULL, cmd_watch, 0, 0, OPT_SECTOR | OPT_SOURCE,
	    "watch [--sector S]... [--source S]..." },
	{ "referral", NULL, cmd_referral, 3, 3, OPT_NOTE,
	    "referral OFFER CANDIDATE STATUS [--note TEXT]" },
	{ "clause", "put", cmd_clause_put, 1, 1, 0, "clause put FILE|-" },
	{ "clause", "get", cmd_clause_get, 1, 1, 0, "clause get ID" },
	{ "clause", "list", cmd_clause_list, 0, 0, OPT_COUNT,
	    "clause list [--count N]" },
	{ "clause", "report", cmd_clause_report, 0, 0,
	    OPT_OPERATION | OPT_CONTRACTOR | OPT_BEHIND | OPT_COUNT,
	    "clause report [--operation ID] [--contractor ID] [--behind] "
	    "[--count N]" },
	{ "duplicates", NULL, cmd_duplicates, 0, 3, OPT_COUNT,
	    "duplicates [--count N] | duplicates merge|dismiss OFFER OTHER" },
	{ "stats", NULL, cmd_stats, 0, 0, 0, "stats" },
	{ "call", NULL, cmd_call, 1, 2, 0, "call METHOD [JSON-PARAMS]" },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct optdef {
	const char	*name;
	int		 flag;
} optdefs[] = {
	{ "sector", OPT_SECTOR },
	{ "source", OPT_SOURCE },
	{ "count", OPT_COUNT },
	{ "all", OPT_ALL },
	{ "limit", OPT_LIMIT },
	{ "reason", OPT_REASON },
	{ "note", OPT_NOTE },
	{ "format", OPT_FORMAT },
	{ "operation", OPT_OPERATION },
	{ "contractor", OPT_CONTRACTOR },
	{ "behind", OPT_BEHIND },
};

static const struct command *last_command;

static void
usage(const struct command *cmd)
{
	size_t i;

	if (cmd == NULL)
		cmd = last_command;
	if (cmd != NULL) {
		fprintf(stderr, "usage: matchctl [options] %s\n", cmd->usage);
		exit(EXIT_USAGE);
	}
	fprintf(stderr, "usage: matchctl [-s HOST:PORT] [--json] "
	    "[--timeout SEC] COMMAND ...\n"
	    "server: -s, else $MATCHCTL_SERVER, else %s\n"
	    "commands:\n", CTL_DEFAULT_SERVER);
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(stderr, "  %s\n", commands[i].usage);
	exit(EXIT_USAGE);
}

/*
 * The command named by argv[0] (and argv[1] for two-word commands);
 * *used is set to the words it took.  It is remembered for usage().
 */
static const struct command *
find_command(int argc, char **argv, int *used)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++) {
		if (strcmp(commands[i].group, argv[0]) != 0)
			continue;
		if (commands[i].name == NULL) {
			*used = 1;
			return last_command = &commands[i];
		}
		if (argc > 1 && strcmp(commands[i].name, argv[1]) == 0) {
			*used = 2;
			return last_command = &commands[i];
		}
	}
	return NULL;
}

static long
parse_count(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 1)
		usage(NULL);
	return v;
}

static void
add_string(json_t **arr, const char *s)
{
	if (*arr == NULL)
		*arr = json_array();
	json_array_append_new(*arr, json_string(s));
}

/*
 * Positional arguments and options of a command, in any order; "--json"
 * is accepted here too.  "--name=value" and "--name value" both work.
 */
static void
parse_opts(struct ctl *ctl, const struct command *cmd, int argc,
    char **argv, struct opts *o)
{
	const struct optdef *d;
	const char *name, *val, *eq;
	size_t i, nlen;
	int k, nomore = 0;

	memset(o, 0, sizeof(*o));
	o->count = o->limit = -1;
	for (k = 0; k < argc; k++) {
		if (nomore || strncmp(argv[k], "--", 2) != 0 ||
		    argv[k][2] == '\0') {
			if (!nomore && strcmp(argv[k], "--") == 0) {
				nomore = 1;
				continue;
			}
			if (o->npos == cmd->maxpos)
				usage(cmd);
			o->pos[o->npos++] = argv[k];
			continue;
		}
		name = argv[k] + 2;
		if (strcmp(name, "json") == 0) {
			ctl->json = 1;
			continue;
		}
		eq = strchr(name, '=');
		nlen = eq != NULL ? (size_t)(eq - name) : strlen(name);
		for (i = 0, d = NULL; i < sizeof(optdefs) / sizeof(*optdefs);
		    i++) {
			if (strlen(optdefs[i].name) == nlen &&
			    strncmp(optdefs[i].name, name, nlen) == 0)
				d = &optdefs[i];
		}
		if (d == NULL || (cmd->options & d->flag) == 0)
			usage(cmd);
		if (d->flag == OPT_ALL || d->flag == OPT_BEHIND) {
			if (eq != NULL)
				usage(cmd);
			if (d->flag == OPT_ALL)
				o->all = 1;
			else
				o->behind = 1;
			continue;
		}
		if (eq != NULL)
			val = eq + 1;
		else if (k + 1 < argc)
			val = argv[++k];
		else
			usage(cmd);
		switch (d->flag) {
		case OPT_SECTOR:
			add_string(&o->sectors, val);
			break;
		case OPT_SOURCE:
			add_string(&o->sources, val);
			break;
		case OPT_COUNT:
			o->count = parse_count(val);
			break;
		case OPT_LIMIT:
			o->limit = parse_count(val);
			break;
		case OPT_REASON:
			o->reason = val;
			break;
		case OPT_NOTE:
			o->note = val;
			break;
		case OPT_FORMAT:
			o->format = val;
			break;
		case OPT_OPERATION:
			o->operation = val;
			break;
		case OPT_CONTRACTOR:
			o->contractor = val;
			break;
		}
	}
	if (o->npos < cmd->minpos)
		usage(cmd);
}

int
main(int argc, char *argv[])
{
	const struct command *cmd;
	struct ctl ctl;
	struct opts o;
	char *end;
	int k, used, rc;

	memset(&ctl, 0, sizeof(ctl));
	ctl.server = getenv("MATCHCTL_SERVER");
	if (ctl.server == NULL || *ctl.server == '\0')
		ctl.server = CTL_DEFAULT_SERVER;
	ctl.timeout = CTL_DEFAULT_TIMEOUT;
	for (k = 1; k < argc && argv[k][0] == '-'; k++) {
		if ((strcmp(argv[k], "-s") == 0 ||
		    strcmp(argv[k], "--server") == 0) && k + 1 < argc)
			ctl.server = argv[++k];
		else if (strcmp(argv[k], "--json") == 0)
			ctl.json = 1;
		else if (strcmp(argv[k], "--timeout") == 0 && k + 1 < argc) {
			ctl.timeout = strtod(argv[++k], &end);
			if (*end != '\0' || end == argv[k] || ctl.timeout < 0 ||
			    ctl.timeout > INT_MAX / 1000)
				usage(NULL);
		} else
			usage(NULL);
	}
	if (k == argc || (cmd = find_command(argc - k, argv + k, &used)) ==
	    NULL)
		usage(NULL);
	parse_opts(&ctl, cmd, argc - k - used, argv + k + used, &o);
	ctl.width = term_width();
	rc = cmd->run(&ctl, &o);
	json_decref(o.sectors);
	json_decref(o.sources);
	if (ctl.connected) {
		close(ctl.conn.fd);
		free(ctl.conn.buf);
		msgpack_zone_destroy(&ctl.conn.zone);
	}
	if (fflush(stdout) == EOF || ferror(stdout))
		die(EXIT_REFUSED, "stdout: %s", strerror(errno));
	return rc;
}
