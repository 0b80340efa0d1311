/* http.cookiejar.Cookie: the record and its owned strings. */
#include "cookiejar/jar_internal.h"

#include <string.h>

np_cookie *np_cookie_new(void) {
  np_cookie *c = np_malloc(sizeof *c);
  if (c) {
    memset(c, 0, sizeof *c);
    c->has_version = true;
  }
  return c;
}

int np_cookie_set_str(char **field, const char *s, size_t len) {
  char *d = s ? np__copy_str(s, len) : NULL;
  if (s && !d)
    return NP_ENOMEM;
  np_free(*field);
  *field = d;
  return NP_OK;
}

void np_cookie_free(np_cookie *c) {
  if (!c)
    return;
  np_free(c->name);
  np_free(c->value);
  np_free(c->port);
  np_free(c->domain);
  np_free(c->path);
  np_free(c->comment);
  np_free(c->comment_url);
  for (size_t i = 0; i < c->nrest; i++) {
    np_free(c->rest[i].name);
    np_free(c->rest[i].value);
  }
  np_free(c->rest);
  np_free(c);
}

/* Copy one string field; *ok turns false on ENOMEM. */
static char *copy_field(const char *s, bool *ok) {
  char *d = np__copy_cstr(s);
  if (s && !d)
    *ok = false;
  return d;
}

np_cookie *np_cookie_copy(const np_cookie *c) {
  np_cookie *d = np_cookie_new();
  if (!d)
    return NULL;
  *d = *c;
  bool ok = true;
  d->name = copy_field(c->name, &ok);
  d->value = copy_field(c->value, &ok);
  d->port = copy_field(c->port, &ok);
  d->domain = copy_field(c->domain, &ok);
  d->path = copy_field(c->path, &ok);
  d->comment = copy_field(c->comment, &ok);
  d->comment_url = copy_field(c->comment_url, &ok);
  d->rest = NULL;
  d->nrest = 0;
  for (size_t i = 0; ok && i < c->nrest; i++)
    ok = np_cookie_set_attr(d, c->rest[i].name, c->rest[i].value) == NP_OK;
  if (!ok) {
    np_cookie_free(d);
    return NULL;
  }
  return d;
}

const np_cookie_attr *np_cookie_get_attr(const np_cookie *c,
                                         const char *name) {
  for (size_t i = 0; i < c->nrest; i++)
    if (strcmp(c->rest[i].name, name) == 0)
      return &c->rest[i];
  return NULL;
}

int np_cookie_set_attr(np_cookie *c, const char *name, const char *value) {
  np_cookie_attr *a = (np_cookie_attr *)np_cookie_get_attr(c, name);
  if (a)
    return np_cookie_set_str(&a->value, value, value ? strlen(value) : 0);
  np_cookie_attr *r = np_realloc(c->rest, (c->nrest + 1) * sizeof *r);
  if (!r)
    return NP_ENOMEM;
  c->rest = r;
  a = &r[c->nrest];
  a->name = np__copy_cstr(name);
  a->value = np__copy_cstr(value);
  if (!a->name || (value && !a->value)) {
    np_free(a->name);
    np_free(a->value);
    return NP_ENOMEM;
  }
  c->nrest++;
  return NP_OK;
}

bool np_cookie_is_expired(const np_cookie *c, int64_t now) {
  return c->has_expires && c->expires <= now;
}
