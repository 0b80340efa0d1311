/*
 * The environ: string and pointer keys in insertion order, plus the wsgi.*
 * streams and flags.  Names and values live in an arena of blocks that
 * never move, so a slice handed out stays valid while its key is unchanged;
 * np_gw_environ_reset() rewinds the arena so a server reuses one environ
 * for every request of a connection without allocating.
 */
#include "gateway/gw_internal.h"

#include <string.h>

#define GW_BLOCK 4096

typedef struct gw_block {
  struct gw_block *next;
  size_t used, cap;
  char data[];
} gw_block;

typedef struct gw_entry {
  const char *name;
  size_t name_len;
  const char *value; /* NULL for pointer entries */
  size_t value_len;
  void *ptr;
} gw_entry;

struct np_gw_environ {
  gw_entry *entries;
  size_t n, cap;
  gw_block *blocks; /* the current block first */
  size_t bytes;
  np_gw_input *input;
  np_gw_errors *errors;
  unsigned flags;
  /* setup_testing_defaults' own streams */
  np_gw_input test_input;
  np_gw_errors test_errors;
};

int np_gw_environ_new(np_gw_environ **out) {
  np_gw_environ *e = np_malloc(sizeof *e);
  if (!e)
    return NP_ENOMEM;
  memset(e, 0, sizeof *e);
  *out = e;
  return NP_OK;
}

static void free_blocks(gw_block *b) {
  while (b) {
    gw_block *next = b->next;
    np_free(b);
    b = next;
  }
}

void np_gw_environ_free(np_gw_environ *e) {
  if (!e)
    return;
  free_blocks(e->blocks);
  np_free(e->entries);
  np_free(e);
}

void np_gw_environ_reset(np_gw_environ *e) {
  /* Keep one block of the standard size for the next request. */
  gw_block *keep = NULL;
  gw_block *b = e->blocks;
  while (b) {
    gw_block *next = b->next;
    if (!keep && b->cap == GW_BLOCK) {
      keep = b;
    } else {
      np_free(b);
    }
    b = next;
  }
  if (keep) {
    keep->used = 0;
    keep->next = NULL;
  }
  e->blocks = keep;
  e->n = 0;
  e->bytes = 0;
  e->input = NULL;
  e->errors = NULL;
  e->flags = 0;
}

/* Copy n bytes into the arena with a NUL after them. */
static char *arena_copy(np_gw_environ *e, const char *s, size_t n) {
  if (n > NP_GW_MAX_ENVIRON_BYTES || e->bytes + n + 1 > NP_GW_MAX_ENVIRON_BYTES)
    return NULL;
  gw_block *b = e->blocks;
  if (!b || b->cap - b->used < n + 1) {
    size_t cap = n + 1 > GW_BLOCK ? n + 1 : GW_BLOCK;
    gw_block *nb = np_malloc(sizeof *nb + cap);
    if (!nb)
      return NULL;
    nb->used = 0;
    nb->cap = cap;
    nb->next = b;
    e->blocks = nb;
    b = nb;
  }
  char *p = b->data + b->used;
  if (n)
    memcpy(p, s, n);
  p[n] = '\0';
  b->used += n + 1;
  e->bytes += n + 1;
  return p;
}

static gw_entry *find(const np_gw_environ *e, const char *name, size_t len) {
  for (size_t i = 0; i < e->n; i++) {
    gw_entry *en = &e->entries[i];
    if (en->name_len == len && memcmp(en->name, name, len) == 0)
      return en;
  }
  return NULL;
}

/* Room for one more entry: the key limit, then the array's capacity. */
static int room_for_one(np_gw_environ *e) {
  if (e->n >= NP_GW_MAX_KEYS)
    return NP_ETOOLARGE;
  return np__array_reserve(&e->entries, &e->cap, e->n + 1,
                           sizeof *e->entries, 32);
}

/* The entry for name, created (value unset) when missing. */
static int slot(np_gw_environ *e, const char *name, gw_entry **out) {
  if (!name || !*name)
    return NP_EINVAL;
  size_t len = strlen(name);
  gw_entry *en = find(e, name, len);
  if (en) {
    *out = en;
    return NP_OK;
  }
  int rc = room_for_one(e);
  if (rc)
    return rc;
  const char *copy = arena_copy(e, name, len);
  if (!copy)
    return e->bytes + len + 1 > NP_GW_MAX_ENVIRON_BYTES ? NP_ETOOLARGE
                                                         : NP_ENOMEM;
  en = &e->entries[e->n++];
  memset(en, 0, sizeof *en);
  en->name = copy;
  en->name_len = len;
  *out = en;
  return NP_OK;
}

/* Append a key known to be absent (a server filling a fresh environ):
 * no lookup. */
int np__gw_environ_add(np_gw_environ *e, const char *name, size_t name_len,
                       const char *value, size_t len) {
  int rc = room_for_one(e);
  if (rc)
    return rc;
  const char *n = arena_copy(e, name, name_len);
  const char *v = n ? arena_copy(e, value ? value : "", len) : NULL;
  if (!v)
    return e->bytes + name_len + len + 2 > NP_GW_MAX_ENVIRON_BYTES
               ? NP_ETOOLARGE
               : NP_ENOMEM;
  gw_entry *en = &e->entries[e->n++];
  en->name = n;
  en->name_len = name_len;
  en->value = v;
  en->value_len = len;
  en->ptr = NULL;
  return NP_OK;
}

int np_gw_environ_set(np_gw_environ *e, const char *name, const char *value,
                      size_t len) {
  if (!e || (!value && len))
    return NP_EINVAL;
  gw_entry *en;
  int rc = slot(e, name, &en);
  if (rc < 0)
    return rc;
  /* Replacing with an equal value keeps the old copy (no arena growth). */
  if (en->value && en->value_len == len &&
      (len == 0 || memcmp(en->value, value, len) == 0))
    return NP_OK;
  const char *copy = arena_copy(e, value ? value : "", len);
  if (!copy) {
    if (!en->value && !en->ptr)
      e->n--; /* the slot was new: do not leave it half made */
    return e->bytes + len + 1 > NP_GW_MAX_ENVIRON_BYTES ? NP_ETOOLARGE
                                                         : NP_ENOMEM;
  }
  en->value = copy;
  en->value_len = len;
  en->ptr = NULL;
  return NP_OK;
}

int np_gw_environ_set_cstr(np_gw_environ *e, const char *name,
                           const char *value) {
  if (!value)
    return NP_EINVAL;
  return np_gw_environ_set(e, name, value, strlen(value));
}

int np_gw_environ_setdefault(np_gw_environ *e, const char *name,
                             const char *value) {
  if (np_gw_environ_has(e, name))
    return NP_OK;
  return np_gw_environ_set_cstr(e, name, value);
}

np_slice np_gw_environ_get(const np_gw_environ *e, const char *name) {
  if (!e || !name)
    return NP_SLICE_NULL;
  gw_entry *en = find(e, name, strlen(name));
  if (!en || !en->value)
    return NP_SLICE_NULL;
  return np_slice_from(en->value, en->value_len);
}

bool np_gw_environ_has(const np_gw_environ *e, const char *name) {
  return e && name && find(e, name, strlen(name)) != NULL;
}

int np_gw_environ_del(np_gw_environ *e, const char *name) {
  if (!e || !name)
    return NP_EINVAL;
  gw_entry *en = find(e, name, strlen(name));
  if (!en)
    return NP_ENOTFOUND;
  size_t i = (size_t)(en - e->entries);
  memmove(en, en + 1, (e->n - i - 1) * sizeof *en);
  e->n--;
  return NP_OK;
}

int np_gw_environ_set_ptr(np_gw_environ *e, const char *name, void *value) {
  if (!e)
    return NP_EINVAL;
  gw_entry *en;
  int rc = slot(e, name, &en);
  if (rc < 0)
    return rc;
  en->value = NULL;
  en->value_len = 0;
  en->ptr = value;
  return NP_OK;
}

void *np_gw_environ_get_ptr(const np_gw_environ *e, const char *name) {
  if (!e || !name)
    return NULL;
  gw_entry *en = find(e, name, strlen(name));
  return en && !en->value ? en->ptr : NULL;
}

size_t np_gw_environ_count(const np_gw_environ *e) { return e ? e->n : 0; }

bool np_gw_environ_at(const np_gw_environ *e, size_t i, np_slice *name,
                      np_slice *value) {
  if (!e || i >= e->n)
    return false;
  const gw_entry *en = &e->entries[i];
  if (name)
    *name = np_slice_from(en->name, en->name_len);
  if (value)
    *value = en->value ? np_slice_from(en->value, en->value_len)
                       : NP_SLICE_NULL;
  return true;
}

np_gw_input *np_gw_environ_input(const np_gw_environ *e) {
  return e ? e->input : NULL;
}
void np_gw_environ_set_input(np_gw_environ *e, np_gw_input *in) {
  e->input = in;
}
np_gw_errors *np_gw_environ_errors(const np_gw_environ *e) {
  return e ? e->errors : NULL;
}
void np_gw_environ_set_errors(np_gw_environ *e, np_gw_errors *err) {
  e->errors = err;
}
unsigned np_gw_environ_flags(const np_gw_environ *e) { return e ? e->flags : 0; }
void np_gw_environ_set_flags(np_gw_environ *e, unsigned flags) {
  e->flags = flags;
}

/* Streams for setup_testing_defaults: an empty input, errors dropped. */
static void discard(np_gw_errors *er, const char *d, size_t n) {
  (void)er;
  (void)d;
  (void)n;
}

void np__gw_environ_test_streams(np_gw_environ *e) {
  if (!e->input) {
    np_gw_input_memory(&e->test_input, "", 0);
    e->input = &e->test_input;
  }
  if (!e->errors) {
    memset(&e->test_errors, 0, sizeof e->test_errors);
    e->test_errors.write = discard;
    e->errors = &e->test_errors;
  }
}
