/* Internal pieces of the gateway shared by its files (not installed). */
#ifndef NP_GW_INTERNAL_H
#define NP_GW_INTERNAL_H

#include "core/internal.h"
#include "netproto/gateway.h"

#include <sys/types.h>

/* setup_testing_defaults: give the environ its own empty input and a
 * discarding errors stream where none is set. */
void np__gw_environ_test_streams(np_gw_environ *e);

/* Append name = value to an environ that does not hold name (no lookup;
 * the caller guarantees it). */
int np__gw_environ_add(np_gw_environ *e, const char *name, size_t name_len,
                       const char *value, size_t len);

/* Python's quote(s, safe, encoding='latin1') of bytes, appended. */
int np__gw_quote(np_buf *out, const char *s, size_t len, const char *safe);

/* A status line "NNN reason": three digits, a space, no control bytes. */
bool np__gw_status_ok(const char *status);
/* A header name is a token; a value holds no control byte but HTAB. */
bool np__gw_token(const char *s);
bool np__gw_value_ok(const char *s);

/* pread, or read for pipes and sockets (FileWrapper over a pipe);
 * retries EINTR. */
ssize_t np__gw_read_at(int fd, char *buf, size_t n, uint64_t off);

/* The body is a generator (not one of the built-in kinds). */
bool np__gw_body_is_generator(const np_gw_body *b);

/* Remove every field (the list is reused). */
void np__gw_headers_clear(np_gw_headers *h);

#endif /* NP_GW_INTERNAL_H */
