/* RobotFileParser.read(): robots.txt fetched through the URL opener. */
#include "request/req_internal.h"

#include "netproto/robots.h"

#include <string.h>

#define ROBOTS_TIMEOUT_MS 30000

/* The body up to limit bytes (plus 3, so the parser can cut it on a
 * character boundary); the rest is not read. */
static int read_capped(np_response *resp, np_buf *out, size_t limit,
                       np_error *err) {
  size_t want = limit > SIZE_MAX - 4 ? SIZE_MAX - 1 : limit + 3;
  char block[8192];
  while (out->len < want) {
    size_t n = want - out->len < sizeof block ? want - out->len : sizeof block;
    size_t got = 0;
    int rc = np_response_read(resp, block, n, &got, err);
    if (rc != NP_OK)
      return rc;
    if (got == 0)
      break;
    if ((rc = np_buf_append(out, block, got)) != NP_OK)
      return np_error_set(err, rc, "robots.txt: %s", np_strerror(rc));
  }
  return NP_OK;
}

int np_robots_read(np_robots *r, np_opener *o, np_error *err) {
  np_slice url = np_robots_url(r);
  char *u = np__copy_str(url.ptr, url.len);
  if (!u)
    return np_error_set(err, NP_ENOMEM, "out of memory");
  np_response *resp = NULL;
  np_error local = NP_ERROR_INIT;
  int rc = o ? np_opener_open_url(o, u, NULL, 0, ROBOTS_TIMEOUT_MS, &resp,
                                  &local)
             : np_urlopen(u, NULL, 0, ROBOTS_TIMEOUT_MS, &resp, &local);
  np_free(u);
  if (rc == NP_EREQUEST_HTTP) {
    /* HTTPError: 401/403 disallow all, other 4xx allow all */
    np_robots_apply_status(r, (int)local.value);
    np_error_clear(&local);
    return NP_OK;
  }
  if (rc != NP_OK) {
    if (err) {
      np_error_clear(err);
      *err = local; /* moved: the URLError as urlopen gave it */
    } else {
      np_error_clear(&local);
    }
    return rc;
  }
  np_error_clear(&local);
  np_buf body;
  np_buf_init(&body, 0);
  rc = read_capped(resp, &body, np_robots_max_bytes(r), err);
  np_response_free(resp);
  if (rc == NP_OK)
    rc = np_robots_parse(r, body.data ? body.data : "", body.len, err);
  np_buf_free(&body);
  return rc;
}
