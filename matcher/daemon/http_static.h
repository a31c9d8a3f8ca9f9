/*
 * The advisers' page: the files of one directory ([http] www_dir, else
 * the one compiled in), served by GET and HEAD at the paths no API route
 * takes.
 */
#ifndef MATCHER_HTTP_STATIC_H
#define MATCHER_HTTP_STATIC_H

struct evhttp_request;
struct http_static;

struct http_static	*http_static_new(void);
/* Serve www_dir from now on ("": the compiled-in one); logged if none. */
void			 http_static_reconf(struct http_static *,
			    const char *www_dir);
/* Answer req with the file path names, or 404 (405 if not GET/HEAD). */
void			 http_static_serve(const struct http_static *,
			    struct evhttp_request *, const char *path);
void			 http_static_free(struct http_static *);

#endif
