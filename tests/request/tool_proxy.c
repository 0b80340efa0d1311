/*
 * tests/request/tool_proxy.c - print what np_getproxies_environment finds
 * in this process's environment ("scheme=url" lines, sorted) and, for
 * each host argument, "bypass HOST 0|1" from np_proxy_bypass: the same
 * lines tests/request/proxy_test.py prints from CPython.
 */
#include "netproto/request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int by_scheme(const void *a, const void *b) {
  return strcmp(((const np_proxy *)a)->scheme, ((const np_proxy *)b)->scheme);
}

int main(int argc, char **argv) {
  np_proxies p = {NULL, 0};
  if (np_getproxies_environment(&p, NULL) != NP_OK)
    return 2;
  if (p.n)
    qsort(p.items, p.n, sizeof *p.items, by_scheme);
  for (size_t i = 0; i < p.n; i++)
    printf("%s=%s\n", p.items[i].scheme, p.items[i].url);
  for (int i = 1; i < argc; i++)
    printf("bypass %s %d\n", argv[i], np_proxy_bypass(argv[i], &p));
  np_proxies_free(&p);
  return 0;
}
