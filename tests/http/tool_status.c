/* Prints the HTTPStatus and HTTPMethod tables (http.h) one row a line,
 * tab-separated, for status_test.py to compare with python3's http. */
#include "netproto/http.h"

#include <stdio.h>

int main(void) {
  size_t n;
  const np_http_status_info *s = np_http_status_table(&n);
  for (size_t i = 0; i < n; i++)
    printf("status\t%d\t%s\t%s\t%s\n", s[i].code, s[i].name, s[i].phrase,
           s[i].description);
  const np_http_method_info *m = np_http_method_table(&n);
  for (size_t i = 0; i < n; i++)
    printf("method\t%s\t%s\n", m[i].name, m[i].description);
  /* Lookups agree with the table, unknown codes give "". */
  for (int code = 0; code < 1000; code++) {
    const np_http_status_info *r = np_http_status_lookup(code);
    printf("phrase\t%d\t%s\n", code, r ? r->phrase : "");
  }
  return 0;
}
