/*
 * Driver for util_test.py: reads one case a line and prints the answer of
 * wsgiref.util / wsgiref.headers as computed by the gateway, so the script
 * can compare it with python3's.  Fields are tab-separated and hex-encoded
 * ("-" is None):
 *   OP <TAB> KEY=VALUE ...   OP: request_uri request_uri_noq
 *                            application_uri shift guess defaults
 *   hop <TAB> NAME
 *   add <TAB> NAME <TAB> VALUE <TAB> K=V ...   (one Headers, str() printed)
 * Output: one line per case, fields tab-separated and hex-encoded.
 */
#include "netproto/gateway.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *unhex(const char *s, size_t n, size_t *out_len) {
  char *o = malloc(n / 2 + 1);
  size_t j = 0;
  for (size_t i = 0; i + 1 < n; i += 2) {
    unsigned v;
    sscanf(s + i, "%2x", &v);
    o[j++] = (char)v;
  }
  o[j] = '\0';
  *out_len = j;
  return o;
}

static void hex(const char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    printf("%02x", (unsigned char)p[i]);
}

static void run_env(const char *op, char **fields, int nf) {
  np_gw_environ *e;
  np_gw_environ_new(&e);
  for (int i = 0; i < nf; i++) {
    char *eq = strchr(fields[i], '=');
    size_t kl, vl;
    char *k = unhex(fields[i], (size_t)(eq - fields[i]), &kl);
    char *v = unhex(eq + 1, strlen(eq + 1), &vl);
    np_gw_environ_set(e, k, v, vl);
    free(k);
    free(v);
  }
  np_buf b;
  np_buf_init(&b, 0);
  if (strcmp(op, "request_uri") == 0 || strcmp(op, "request_uri_noq") == 0) {
    np_gw_request_uri(e, strcmp(op, "request_uri") == 0, &b);
    hex(b.data, b.len);
  } else if (strcmp(op, "application_uri") == 0) {
    np_gw_application_uri(e, &b);
    hex(b.data, b.len);
  } else if (strcmp(op, "guess") == 0) {
    const char *s = np_gw_guess_scheme(e);
    hex(s, strlen(s));
  } else if (strcmp(op, "shift") == 0) {
    bool has;
    int rc = np_gw_shift_path_info(e, &b, &has);
    if (rc < 0) {
      printf("error");
    } else {
      if (has)
        hex(b.data, b.len);
      else
        printf("-");
      np_slice s = np_gw_environ_get(e, "SCRIPT_NAME");
      np_slice p = np_gw_environ_get(e, "PATH_INFO");
      printf("\t");
      hex(s.ptr, s.len);
      printf("\t");
      hex(p.ptr, p.len);
    }
  } else if (strcmp(op, "defaults") == 0) {
    np_gw_setup_testing_defaults(e);
    /* keys sorted by the script; here in insertion order */
    np_slice k, v;
    for (size_t i = 0; np_gw_environ_at(e, i, &k, &v); i++) {
      if (i)
        printf("\t");
      hex(k.ptr, k.len);
      printf("=");
      hex(v.ptr, v.len);
    }
  }
  printf("\n");
  np_buf_free(&b);
  np_gw_environ_free(e);
}

static void run_add(char **f, int nf) {
  np_gw_headers *h;
  np_gw_headers_new(&h);
  size_t l;
  char *name = unhex(f[0], strlen(f[0]), &l);
  char *value = strcmp(f[1], "-") ? unhex(f[1], strlen(f[1]), &l) : NULL;
  np_gw_param params[16];
  int np = 0;
  for (int i = 2; i < nf && np < 16; i++, np++) {
    char *eq = strchr(f[i], '=');
    params[np].name = unhex(f[i], (size_t)(eq - f[i]), &l);
    params[np].value =
        strcmp(eq + 1, "-") ? unhex(eq + 1, strlen(eq + 1), &l) : NULL;
  }
  int rc = np_gw_headers_add(h, name, value, params, (size_t)np);
  np_buf b;
  np_buf_init(&b, 0);
  if (rc < 0) {
    printf("error\n");
  } else {
    np_gw_headers_format(h, &b);
    hex(b.data, b.len);
    printf("\n");
  }
  for (int i = 0; i < np; i++) {
    free((char *)params[i].name);
    free((char *)params[i].value);
  }
  free(name);
  free(value);
  np_buf_free(&b);
  np_gw_headers_free(h);
}

int main(void) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, stdin)) > 0) {
    if (line[n - 1] == '\n')
      line[--n] = '\0';
    char *fields[64];
    int nf = 0;
    /* split on every tab: empty fields are empty values */
    for (char *p = line; p && nf < 64;) {
      fields[nf++] = p;
      p = strchr(p, '\t');
      if (p)
        *p++ = '\0';
    }
    if (nf == 0)
      continue;
    if (strcmp(fields[0], "hop") == 0) {
      size_t l;
      char *name = unhex(fields[1], strlen(fields[1]), &l);
      printf("%d\n", np_gw_is_hop_by_hop(name, l) ? 1 : 0);
      free(name);
    } else if (strcmp(fields[0], "add") == 0) {
      run_add(fields + 1, nf - 1);
    } else {
      run_env(fields[0], fields + 1, nf - 1);
    }
    fflush(stdout);
  }
  free(line);
  return 0;
}
