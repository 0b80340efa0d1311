/*
 * fuzz_proxy_env: proxy selection from hostile environment values
 * (urllib's getproxies_environment and proxy_bypass_environment).  The
 * input's lines are the environment ("NAME=value"); the last line is a
 * host to test against the no_proxy list it gives.  Every lookup must
 * return a string the proxies own, or NULL.
 */
#include "netproto/request.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_VARS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len) {
  char *text = malloc(len + 1);
  if (!text)
    return 0;
  memcpy(text, data, len);
  text[len] = '\0';
  char *envp[MAX_VARS + 1];
  size_t n = 0;
  char *host = text;
  for (char *line = text; line && n < MAX_VARS;) {
    char *nl = strchr(line, '\n');
    if (nl)
      *nl = '\0';
    if (nl)
      envp[n++] = line;
    host = line;
    line = nl ? nl + 1 : NULL;
  }
  envp[n] = NULL;
  np_proxies p = {0};
  if (np_getproxies_environment(&p, envp) == NP_OK) {
    for (size_t i = 0; i < p.n; i++)
      if (np_proxies_get(&p, p.items[i].scheme) == NULL)
        abort(); /* every listed scheme must be found */
    (void)np_proxy_bypass(host, &p);
    np_proxies_free(&p);
  }
  free(text);
  return 0;
}
