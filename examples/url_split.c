/*
 * url_split: what urllib.parse does, from C.
 *
 *   cc url_split.c $(pkg-config --cflags --libs netproto) -o url_split
 *   ./url_split 'HTTPS://User@Example.COM:8443/a b/c?q=1#top' ../d
 *
 * Splits the URL (urlsplit), prints its components and the derived
 * username, password, hostname and port, joins a relative reference to it
 * (urljoin; "../x" when none is given) and quotes its path (quote).
 */
#include <netproto/url.h>

#include <stdio.h>
#include <string.h>

/* Print a component; an absent one (Python's None) prints as None. */
static void show(const char *name, np_slice s) {
  if (s.ptr)
    printf("%-9s '%.*s'\n", name, (int)s.len, s.ptr);
  else
    printf("%-9s None\n", name);
}

static int split(const char *url) {
  np_url u;
  np_error err = NP_ERROR_INIT;
  np_url_init(&u); /* np_url_free releases what the split allocated */
  if (np_urlsplit(&u, url, strlen(url), NULL, 0, &err) != NP_OK) {
    fprintf(stderr, "url_split: %s (%s)\n",
            err.message[0] ? err.message : np_strerror(err.code),
            np_status_name(err.code));
    np_error_clear(&err);
    np_url_free(&u);
    return 1;
  }
  show("scheme", u.scheme);
  show("netloc", u.netloc);
  show("path", u.path);
  show("query", u.query);
  show("fragment", u.fragment);
  show("username", u.username);
  show("password", u.password);
  show("hostname", u.hostname);
  if (u.port_status != NP_OK)
    printf("%-9s invalid (Python's .port raises ValueError)\n", "port");
  else if (u.port < 0)
    printf("%-9s None\n", "port");
  else
    printf("%-9s %d\n", "port", u.port);

  /* quote(path): u.path points into `url`, which outlives u. */
  np_buf out;
  np_buf_init(&out, 0); /* 0: the default limit */
  if (np_quote(&out, u.path.ptr, u.path.len, NULL) == NP_OK)
    printf("%-9s '%s'\n", "quoted", out.data);
  np_buf_free(&out);
  np_url_free(&u);
  return 0;
}

static int join(const char *base, const char *ref) {
  np_buf out;
  np_error err = NP_ERROR_INIT;
  int rc;
  np_buf_init(&out, 0);
  rc = np_urljoin(&out, base, strlen(base), ref, strlen(ref), 0, &err);
  if (rc == NP_OK)
    printf("%-9s '%s' + '%s' = '%s'\n", "joined", base, ref, out.data);
  else
    fprintf(stderr, "url_split: join: %s\n", np_strerror(rc));
  np_error_clear(&err);
  np_buf_free(&out);
  return rc == NP_OK ? 0 : 1;
}

int main(int argc, char **argv) {
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: url_split URL [RELATIVE-REF]\n");
    return 2;
  }
  if (split(argv[1]) != 0)
    return 1;
  return join(argv[1], argc > 2 ? argv[2] : "../x");
}
