/*
 * ftplib's reply parsers (parse150, parse227, parse229, parse257) and the
 * MLSD line parser: pure functions over (pointer, length), no I/O, so the
 * fuzz target reaches them directly.
 */
#include "netproto/ftp.h"

#include "core/internal.h"

#include <stdio.h>
#include <string.h>

/* The reply starts with these three characters. */
static int has_code(const char *r, size_t n, const char *code) {
  return n >= 3 && memcmp(r, code, 3) == 0;
}

/* Digits of s[i..n) from i: their count, the value capped at cap + 1. */
static size_t digits(const char *s, size_t n, size_t i, uint64_t cap,
                     uint64_t *val) {
  size_t j = i;
  uint64_t v = 0;
  while (j < n && np__is((unsigned char)s[j], NP_CC_DIGIT)) {
    uint64_t dg = (uint64_t)(s[j] - '0');
    v = (v > cap || v > (cap - dg) / 10) ? cap + 1 : v * 10 + dg;
    j++;
  }
  *val = v > cap ? cap + 1 : v;
  return j - i;
}

/* " (N bytes)" at p of line[0..n), case-insensitive "bytes", to the end of
 * the match; the size in *size (-1 when it overflows). */
static int bytes_clause(const char *l, size_t n, size_t p, int64_t *size) {
  if (p + 2 > n || l[p] != ' ' || l[p + 1] != '(')
    return 0;
  uint64_t v = 0;
  size_t d = digits(l, n, p + 2, (uint64_t)INT64_MAX, &v);
  size_t q = p + 2 + d;
  if (d == 0 || q + 7 > n || l[q] != ' ' || !np__ieq(l + q + 1, "bytes", 5) ||
      l[q + 6] != ')')
    return 0;
  *size = v > (uint64_t)INT64_MAX ? -1 : (int64_t)v;
  return 1;
}

int64_t np_ftp_parse150(const char *resp, size_t len) {
  /* re.match(r"150 .* \((\d+) bytes\)", resp, re.I): '.' stops at a
   * newline, and the greedy '.*' takes the LAST clause of the first line. */
  const char *nl = memchr(resp, '\n', len);
  size_t n = nl ? (size_t)(nl - resp) : len;
  if (n < 4 || memcmp(resp, "150 ", 4) != 0)
    return -1;
  for (size_t p = n; p-- > 4;) {
    int64_t size;
    if (bytes_clause(resp, n, p, &size))
      return size;
  }
  return -1;
}

/* Six comma-separated numbers from i: 1 when they match, -1 when they
 * match but one is over 255 (no address), 0 when they do not match. */
static int six_numbers(const char *r, size_t n, size_t i, unsigned v[6]) {
  int big = 0;
  for (int k = 0; k < 6; k++) {
    uint64_t x;
    size_t d = digits(r, n, i, 255, &x);
    if (d == 0)
      return 0;
    big |= x > 255;
    v[k] = (unsigned)(x > 255 ? 0 : x);
    i += d;
    if (k < 5) {
      if (i >= n || r[i] != ',')
        return 0;
      i++;
    }
  }
  return big ? -1 : 1;
}

int np_ftp_parse227(const char *resp, size_t len, char host[16], int *port) {
  if (!has_code(resp, len, "227"))
    return NP_EFTP_REPLY;
  /* re.search(r'(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)'): only the start of a
   * run of digits can begin the leftmost match. */
  for (size_t i = 0; i < len; i++) {
    if (!np__is((unsigned char)resp[i], NP_CC_DIGIT) ||
        (i > 0 && np__is((unsigned char)resp[i - 1], NP_CC_DIGIT)))
      continue;
    unsigned v[6];
    int m = six_numbers(resp, len, i, v);
    if (m < 0)
      break;
    if (m == 1) {
      snprintf(host, 16, "%u.%u.%u.%u", v[0], v[1], v[2], v[3]);
      *port = (int)((v[4] << 8) + v[5]);
      return NP_OK;
    }
  }
  return NP_EFTP_PROTO;
}

int np_ftp_parse229(const char *resp, size_t len, int *port) {
  if (!has_code(resp, len, "229"))
    return NP_EFTP_REPLY;
  const char *l = memchr(resp, '(', len);
  if (!l)
    return NP_EFTP_PROTO;
  size_t li = (size_t)(l - resp);
  const char *r = memchr(l + 1, ')', len - li - 1);
  if (!r)
    return NP_EFTP_PROTO;
  size_t ri = (size_t)(r - resp);
  if (resp[li + 1] != resp[ri - 1])
    return NP_EFTP_PROTO;
  /* "(|||port|)" split on its delimiter gives five parts, the fourth the
   * port: exactly four delimiters, the port between the third and fourth. */
  char delim = resp[li + 1];
  size_t pos[4], ndelim = 0;
  for (size_t i = li + 1; i < ri; i++) {
    if (resp[i] != delim)
      continue;
    if (ndelim == 4)
      return NP_EFTP_PROTO;
    pos[ndelim++] = i;
  }
  if (ndelim != 4)
    return NP_EFTP_PROTO;
  size_t a = pos[2] + 1, b = pos[3];
  uint64_t v;
  if (np__parse_uint(resp + a, b - a, 65535, &v) != NP_OK)
    return NP_EFTP_PROTO;
  *port = (int)v;
  return NP_OK;
}

int np_ftp_parse257(const char *resp, size_t len, np_buf *out) {
  if (!has_code(resp, len, "257"))
    return NP_EFTP_REPLY;
  if (len < 5 || resp[3] != ' ' || resp[4] != '"')
    return NP_OK;
  /* A quote inside the name is doubled; a single one ends it. */
  for (size_t i = 5; i < len; i++) {
    if (resp[i] == '"') {
      if (i + 1 >= len || resp[i + 1] != '"')
        break;
      i++;
    }
    int rc = np_buf_putc(out, resp[i]);
    if (rc)
      return rc;
  }
  return NP_OK;
}

void np_ftp_parse_mlsd_line(char *line, size_t len, np_ftp_entry *e) {
  /* line.rstrip(CRLF).partition(' ') */
  while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n'))
    len--;
  char *sp = memchr(line, ' ', len);
  size_t flen = sp ? (size_t)(sp - line) : len;
  e->name = sp ? np_slice_from(sp + 1, len - flen - 1) : np_slice_from(line, 0);
  e->nfacts = 0;
  /* facts_found[:-1].split(";"): the last character (';') is dropped. */
  size_t end = flen > 0 ? flen - 1 : 0;
  size_t i = 0;
  for (;;) {
    char *semi = memchr(line + i, ';', end - i);
    size_t j = semi ? (size_t)(semi - line) : end;
    if (e->nfacts < NP_FTP_MAX_FACTS) {
      np_ftp_fact *f = &e->facts[e->nfacts++];
      char *eq = memchr(line + i, '=', j - i);
      size_t k = eq ? (size_t)(eq - line) : j;
      for (size_t c = i; c < k; c++)
        line[c] = (char)np__lower((unsigned char)line[c]);
      f->name = np_slice_from(line + i, k - i);
      f->value = eq ? np_slice_from(line + k + 1, j - k - 1)
                    : np_slice_from(line + j, 0);
    }
    if (!semi)
      break;
    i = j + 1;
  }
}

np_slice np_ftp_entry_fact(const np_ftp_entry *e, const char *name) {
  /* Python's dict keeps the last value given for a repeated fact. */
  for (size_t i = e->nfacts; i-- > 0;)
    if (np_slice_ieq_cstr(e->facts[i].name, name))
      return e->facts[i].value;
  return NP_SLICE_NULL;
}
