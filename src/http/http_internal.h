/* Internal pieces shared by the files of src/http (not installed). */
#ifndef NP_HTTP_INTERNAL_H
#define NP_HTTP_INTERNAL_H

#include "core/internal.h"
#include "netproto/http.h"

/*
 * Byte classes for message text, one lookup each:
 *   NP__HV_VALUE  allowed inside a field value or reason phrase: HTAB, SP,
 *                 VCHAR, obs-text (0x80-0xFF);
 *   NP__HV_TARGET allowed in a request target: VCHAR only.
 */
enum { NP__HV_VALUE = 1, NP__HV_TARGET = 2 };
extern const uint8_t np__http_cc[256];

/* Record a parse failure at byte offset `at`; returns code. */
int np__http_fail(np_error *err, int code, size_t at, const char *what);

/* Decide the body framing and connection persistence once the head is
 * complete (framing.c).  Returns NP_OK or the framing error. */
int np__http_finish_head(np_http_parser *p, np_error *err);

#endif /* NP_HTTP_INTERNAL_H */
