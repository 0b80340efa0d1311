/*
 * Fuzz the webbrowser text parsers: a BROWSER command line (shlex-style
 * words, "%s"/"%%" templates, a trailing "&"), the template expander, and
 * the URL check.  Nothing is executed.
 */
#include "browser/browser_internal.h"
#include "netproto/webbrowser.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  np_browser_ctl *c = NULL;
  if (np_browser_ctl_new_command_line(&c, s, size, NULL) == NP_OK) {
    if (!c)
      __builtin_trap();
    np_browser_ctl_free(c);
  }
  np__strv words = {0};
  if (np__browser_split(s, size, &words, NULL) == NP_OK) {
    np_buf out;
    np_buf_init(&out, 0);
    for (size_t i = 0; i < words.n; i++) {
      if (!words.v[i] || words.v[words.n] != NULL)
        __builtin_trap();
      np__browser_has_url(words.v[i]);
      np__browser_expand(&out, words.v[i], "U", 1, i & 1 ? "A" : NULL);
    }
    np_buf_free(&out);
  }
  np__strv_free(&words);
  np__browser_check_url(s, size, NULL);
  return 0;
}
