/* HTTP dates (date.h): formatting, and Python's http2time/iso2time. */
#include "core/date.h"

#include "core/internal.h"

#include <string.h>
#include <time.h>

static const char np_wdays[7][4] = {"Sun", "Mon", "Tue", "Wed",
                                    "Thu", "Fri", "Sat"};
static const char np_months[12][4] = {"Jan", "Feb", "Mar", "Apr",
                                      "May", "Jun", "Jul", "Aug",
                                      "Sep", "Oct", "Nov", "Dec"};

/* Days from the epoch of y-m-d; d may exceed the month's length (it then
 * counts on into the next month, as calendar.timegm does). */
int64_t np__days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t mp = (m + 9) % 12;
  int64_t doy = (153 * mp + 2) / 5 + 1 - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468 + (int64_t)d - 1;
}

void np__gmtime(int64_t t, np__tm *tm) {
  int64_t days = t / 86400, rem = t % 86400;
  if (rem < 0) {
    rem += 86400;
    days--;
  }
  tm->hour = (int)(rem / 3600);
  tm->min = (int)(rem / 60 % 60);
  tm->sec = (int)(rem % 60);
  tm->wday = (int)(((days % 7) + 11) % 7); /* 1970-01-01 was a Thursday */
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  tm->mday = (int)(doy - (153 * mp + 2) / 5 + 1);
  tm->mon = (int)(mp < 10 ? mp + 3 : mp - 9);
  tm->year = yoe + era * 400 + (tm->mon <= 2);
}

int np__http_date_format(np_buf *out, int64_t t) {
  np__tm tm;
  np__gmtime(t, &tm);
  return np_buf_printf(out, "%s, %02d %s %04lld %02d:%02d:%02d GMT",
                       np_wdays[tm.wday], tm.mday, np_months[tm.mon - 1],
                       (long long)tm.year, tm.hour, tm.min, tm.sec);
}

/* ---- parsing: Python's http2time / iso2time ------------------------- */

#define NPOS ((size_t)-1)

static bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
/* c is one of the bytes of set (never the terminating NUL). */
static bool in_set(char c, const char *set) { return c && strchr(set, c); }
static bool is_alpha(unsigned char c) {
  return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}
static bool is_word(unsigned char c) {
  return is_digit(c) || is_alpha(c) || c == '_';
}
/* \s under re.ASCII */
static bool is_space(unsigned char c) { return c == ' ' || (c >= 9 && c <= 13); }

static size_t skip_space(const char *s, size_t n, size_t i) {
  while (i < n && is_space((unsigned char)s[i]))
    i++;
  return i;
}

/* str.lstrip(): Python's whitespace, ASCII ones plus U+0085 and U+00A0. */
static size_t py_lstrip(const char *s, size_t n) {
  size_t i = 0;
  for (;;) {
    unsigned char c = (unsigned char)(i < n ? s[i] : 0);
    if (i < n && (is_space(c) || (c >= 0x1c && c <= 0x1f)))
      i++;
    else if (i + 1 < n && c == 0xC2 &&
             ((unsigned char)s[i + 1] == 0x85 || (unsigned char)s[i + 1] == 0xA0))
      i += 2;
    else
      return i;
  }
}

static size_t digit_run(const char *s, size_t n, size_t i, size_t max) {
  size_t k = 0;
  while (i + k < n && k < max && is_digit((unsigned char)s[i + k]))
    k++;
  return k;
}

/* A decimal number, capped: a value past cap is returned as cap + 1. */
static int64_t num(const char *s, size_t len, int64_t cap) {
  int64_t v = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '_')
      continue;
    v = v * 10 + (s[i] - '0');
    if (v > cap)
      return cap + 1;
  }
  return v;
}

/* int(text) for a \w+ month: digits with single '_' between digits. */
static bool py_int(const char *s, size_t len, int64_t *out) {
  if (len == 0 || !is_digit((unsigned char)s[0]) ||
      !is_digit((unsigned char)s[len - 1]))
    return false;
  for (size_t i = 0; i < len; i++)
    if (!is_digit((unsigned char)s[i]) &&
        !(s[i] == '_' && is_digit((unsigned char)s[i + 1])))
      return false;
  *out = num(s, len, 1000);
  return true;
}

static int month_index(const char *s, size_t len) {
  if (len != 3)
    return 0;
  for (int i = 0; i < 12; i++)
    if (np__ieq(s, np_months[i], 3))
      return i + 1;
  return 0;
}

/* calendar.timegm behind http.cookiejar's range checks (_timegm). */
static bool timegm_checked(int64_t y, int64_t mon, int64_t d, int64_t h,
                           int64_t mi, int64_t sec, int64_t *t) {
  if (y < 1970 || mon < 1 || mon > 12 || d < 1 || d > 31 || h < 0 ||
      h > 24 || mi < 0 || mi > 59 || sec < 0 || sec > 61)
    return false;
  *t = np__days_from_civil(y, (unsigned)mon, (unsigned)d) * 86400 +
       h * 3600 + mi * 60 + sec;
  return true;
}

/* offset_from_tz_string on the upper-cased zone: seconds east of UTC. */
static bool tz_offset(const char *z, size_t n, int64_t *off) {
  static const char *const utc[] = {"GMT", "UTC", "UT", "Z"};
  for (size_t i = 0; i < 4; i++)
    if (strlen(utc[i]) == n && np__ieq(z, utc[i], n)) {
      *off = 0;
      return true;
    }
  /* ^([-+])?(\d\d?):?(\d\d)?$ */
  size_t p = 0;
  int sign = 1;
  if (p < n && (z[p] == '-' || z[p] == '+'))
    sign = z[p++] == '-' ? -1 : 1;
  for (size_t hl = 2; hl >= 1; hl--) {
    if (digit_run(z, n, p, hl) != hl)
      continue;
    size_t q = p + hl;
    if (q < n && z[q] == ':')
      q++;
    int64_t mi = 0;
    if (digit_run(z, n, q, 2) == 2) {
      mi = num(z + q, 2, 99);
      q += 2;
    }
    if (q == n || (q + 1 == n && z[q] == '\n')) {
      *off = sign * (num(z + p, hl, 99) * 3600 + mi * 60);
      return true;
    }
  }
  return false;
}

typedef struct date_parts {
  np_slice day, mon, yr, hr, min, sec, tz; /* absent: None */
} date_parts;

/* _str2time(day, mon, yr, hr, min, sec, tz). */
static bool str2time(const date_parts *d, int64_t *t) {
  int64_t yr = num(d->yr.ptr, d->yr.len, 9999), mon = 0;
  if (yr > 9999)
    return false;
  mon = month_index(d->mon.ptr, d->mon.len);
  if (!mon && (!py_int(d->mon.ptr, d->mon.len, &mon) || mon < 1 || mon > 12))
    return false;
  int64_t hr = d->hr.ptr ? num(d->hr.ptr, d->hr.len, 99) : 0;
  int64_t mi = d->min.ptr ? num(d->min.ptr, d->min.len, 99) : 0;
  int64_t sec = d->sec.ptr ? num(d->sec.ptr, d->sec.len, 99) : 0;
  int64_t day = num(d->day.ptr, d->day.len, 99);
  if (yr < 1000) {
    /* The "obvious" century, as Python picks it from the local year. */
    time_t now = time(NULL);
    struct tm lt;
    int64_t cur = localtime_r(&now, &lt) ? lt.tm_year + 1900 : 1970;
    int64_t m = cur % 100, tmp = yr;
    yr = yr + cur - m;
    m = m - tmp;
    if (m > 50 || m < -50)
      yr += m > 0 ? 100 : -100;
  }
  if (!timegm_checked(yr, mon, day, hr, mi, sec, t))
    return false;
  int64_t off = 0;
  if (d->tz.ptr && !tz_offset(d->tz.ptr, d->tz.len, &off))
    return false;
  *t -= off;
  return true;
}

/* STRICT_DATE_RE: "Wed, 09 Feb 1994 22:23:32 GMT" exactly. */
static bool strict_date(const char *s, size_t n, int64_t *t) {
  static const char shape[] = "Aaa, 00 Aaa 0000 00:00:00 GMT";
  if (n == 30 && s[29] == '\n')
    n = 29;
  if (n != 29 || !in_set(s[0], "SMTWF") || !in_set(s[8], "JFMASOND"))
    return false;
  for (size_t i = 0; i < 29; i++) {
    unsigned char c = (unsigned char)s[i], k = (unsigned char)shape[i];
    if (k == 'a' ? !(c >= 'a' && c <= 'z')
                 : k == '0' ? !is_digit(c) : (k != 'A' && c != k))
      return false;
  }
  int mon = month_index(s + 8, 3);
  if (!mon)
    return false; /* Python raises ValueError here */
  return timegm_checked(num(s + 12, 4, 9999), mon, num(s + 5, 2, 99),
                        num(s + 17, 2, 99), num(s + 20, 2, 99),
                        num(s + 23, 2, 99), t);
}

/* \s*(?:(\(\w+\))\s*)?$ at p: whether the text ends there as allowed. */
static bool paren_end(const char *s, size_t n, size_t p) {
  p = skip_space(s, n, p);
  if (p < n && s[p] == '(') {
    size_t q = p + 1;
    while (q < n && is_word((unsigned char)s[q]))
      q++;
    if (q > p + 1 && q < n && s[q] == ')' && skip_space(s, n, q + 1) == n)
      return true;
  }
  return p == n;
}

/* The loose tail: \s* (tz \s*)? (\(\w+\)\s*)? $ at p. */
static bool loose_tail(const char *s, size_t n, size_t p, np_slice *tz) {
  size_t q = skip_space(s, n, p);
  size_t d = q + (q < n && (s[q] == '-' || s[q] == '+'));
  size_t k = digit_run(s, n, d, 4);
  if (k >= 2 && paren_end(s, n, d + k)) {
    *tz = np_slice_from(s + q, d + k - q);
    return true;
  }
  size_t a = q;
  while (a < n && is_alpha((unsigned char)s[a]))
    a++;
  bool ampm = q + 1 < n && in_set(s[q], "APap") && (s[q + 1] | 0x20) == 'm' &&
              !(q + 2 < n && is_word((unsigned char)s[q + 2]));
  if (a > q && !ampm && paren_end(s, n, a)) {
    *tz = np_slice_from(s + q, a - q);
    return true;
  }
  *tz = NP_SLICE_NULL;
  return paren_end(s, n, q);
}

/* (?:\s+|:)(\d\d?):(\d\d)(?::(\d\d))? at p, with or without seconds. */
static size_t loose_clock(const char *s, size_t n, size_t p, bool secs,
                          date_parts *d) {
  size_t q = p < n && s[p] == ':' ? p + 1 : skip_space(s, n, p);
  if (q == p)
    return NPOS;
  size_t h = digit_run(s, n, q, 2);
  if (h == 2 && !(q + 2 < n && s[q + 2] == ':'))
    h = 1;
  if (h == 0 || q + h >= n || s[q + h] != ':' ||
      digit_run(s, n, q + h + 1, 2) != 2)
    return NPOS;
  d->hr = np_slice_from(s + q, h);
  d->min = np_slice_from(s + q + h + 1, 2);
  size_t e = q + h + 3;
  d->sec = NP_SLICE_NULL;
  if (secs) {
    if (!(e < n && s[e] == ':' && digit_run(s, n, e + 1, 2) == 2))
      return NPOS;
    d->sec = np_slice_from(s + e + 1, 2);
    e += 3;
  }
  return e;
}

/* A separator (?:\s+|[-\/]) at p: the position after it, or NPOS. */
static size_t loose_sep(const char *s, size_t n, size_t p) {
  if (p < n && (s[p] == '-' || s[p] == '/'))
    return p + 1;
  size_t q = skip_space(s, n, p);
  return q > p ? q : NPOS;
}

static bool loose_date(const char *s, size_t n, date_parts *d) {
  size_t p = 0, k = digit_run(s, n, 0, 2);
  if (k == 0)
    return false;
  d->day = np_slice_from(s, k);
  if ((p = loose_sep(s, n, k)) == NPOS)
    return false;
  size_t m = p;
  while (m < n && is_word((unsigned char)s[m]))
    m++;
  if (m == p)
    return false;
  d->mon = np_slice_from(s + p, m - p);
  if ((p = loose_sep(s, n, m)) == NPOS || !(k = digit_run(s, n, p, n)))
    return false;
  d->yr = np_slice_from(s + p, k);
  p += k;
  for (int secs = 1; secs >= 0; secs--) {
    size_t e = loose_clock(s, n, p, secs, d);
    if (e != NPOS && loose_tail(s, n, e, &d->tz))
      return true;
  }
  d->hr = d->min = d->sec = NP_SLICE_NULL;
  return loose_tail(s, n, p, &d->tz);
}

bool np__http2time(const char *s, size_t n, int64_t *t) {
  if (strict_date(s, n, t))
    return true;
  size_t p = py_lstrip(s, n);
  s += p;
  n -= p;
  /* WEEKDAY_RE: ^(?:Sun|Mon|...)[a-z]*,?\s* ignoring case, removed. */
  static const char wd[] = "sunmontuewedthufrisat";
  for (int i = 0; n >= 3 && i < 7; i++)
    if (np__ieq(s, wd + 3 * i, 3)) {
      p = 3;
      while (p < n && is_alpha((unsigned char)s[p]))
        p++;
      if (p < n && s[p] == ',')
        p++;
      p = skip_space(s, n, p);
      s += p;
      n -= p;
      break;
    }
  date_parts d = {NP_SLICE_NULL, NP_SLICE_NULL, NP_SLICE_NULL, NP_SLICE_NULL,
                  NP_SLICE_NULL, NP_SLICE_NULL, NP_SLICE_NULL};
  return loose_date(s, n, &d) && str2time(&d, t);
}

/* asctime-date = day-name SP month SP ( 2DIGIT / ( SP DIGIT ) ) SP
 * time-of-day SP year, e.g. "Sun Nov  6 08:49:37 1994" (RFC 9110 5.6.7). */
static bool asctime_date(const char *s, size_t n, int64_t *t) {
  static const char shape[] = "Aaa Aaa dd 00:00:00 0000";
  if (n != 24)
    return false;
  static const char wd[] = "SunMonTueWedThuFriSat";
  bool day_ok = false;
  for (int i = 0; i < 7; i++)
    day_ok |= memcmp(s, wd + 3 * i, 3) == 0;
  int mon = 0;
  for (int i = 0; i < 12; i++)
    if (memcmp(s + 4, np_months[i], 3) == 0)
      mon = i + 1;
  if (!day_ok || !mon)
    return false;
  for (size_t i = 3; i < 24; i++) {
    char k = shape[i], c = s[i];
    if (k == '0' && !is_digit((unsigned char)c))
      return false;
    if ((k == ' ' || k == ':') && c != k)
      return false;
  }
  if (!(s[8] == ' ' || is_digit((unsigned char)s[8])) ||
      !is_digit((unsigned char)s[9]))
    return false;
  int64_t day = s[8] == ' ' ? s[9] - '0' : num(s + 8, 2, 99);
  return timegm_checked(num(s + 20, 4, 9999), mon, day, num(s + 11, 2, 99),
                        num(s + 14, 2, 99), num(s + 17, 2, 99), t);
}

bool np__http_date_parse(const char *s, size_t n, int64_t *t) {
  return np__http2time(s, n, t) || asctime_date(s, n, t);
}

/*
 * ISO_DATE_RE of http.cookiejar, with its backtracking:
 *   ^(\d{4})[-\/]?(\d\d?)[-\/]?(\d\d?)
 *    (?:(?:\s+|[-:Tt])(\d\d?):?(\d\d)(?::?(\d\d(?:\.\d*)?))?)?
 *    \s*(?:([-+]?\d\d?:?(:?\d\d)?|Z|z)\s*)?$
 * Each optional piece is tried present first, then absent, in the
 * expression's order; the first way that reaches the end wins.  The number
 * of ways is a small constant, so the match is linear.
 */
typedef struct iso_try {
  const char *s;
  size_t n;
  date_parts d;
  bool frac; /* the seconds matched had a '.': Python's int() raises */
} iso_try;

/* \s*(?:(tz)\s*)?$ at p. */
static bool iso_tail(iso_try *x, size_t p) {
  const char *s = x->s;
  size_t n = x->n, q = skip_space(s, n, p);
  size_t d = q + (q < n && (s[q] == '-' || s[q] == '+'));
  for (size_t hl = 2; hl >= 1; hl--) {
    if (digit_run(s, n, d, hl) != hl)
      continue;
    size_t h = d + hl;
    for (int c1 = 1; c1 >= 0; c1--) {
      if (c1 && !(h < n && s[h] == ':'))
        continue;
      size_t a = h + (size_t)c1;
      /* (:?\d\d)? : with ':', without ':', or absent */
      size_t ends[3];
      int ne = 0;
      if (a < n && s[a] == ':' && digit_run(s, n, a + 1, 2) == 2)
        ends[ne++] = a + 3;
      if (digit_run(s, n, a, 2) == 2)
        ends[ne++] = a + 2;
      ends[ne++] = a;
      for (int i = 0; i < ne; i++)
        if (skip_space(s, n, ends[i]) == n) {
          x->d.tz = np_slice_from(s + q, ends[i] - q);
          return true;
        }
    }
  }
  if (q < n && (s[q] == 'Z' || s[q] == 'z') && skip_space(s, n, q + 1) == n) {
    x->d.tz = np_slice_from(s + q, 1);
    return true;
  }
  x->d.tz = NP_SLICE_NULL;
  return q == n;
}

/* (?::?(\d\d(?:\.\d*)?))? then the tail, at p. */
static bool iso_secs(iso_try *x, size_t p) {
  const char *s = x->s;
  size_t n = x->n;
  for (int c = 1; c >= 0; c--) {
    size_t q = p + (size_t)c;
    if ((c && !(p < n && s[p] == ':')) || digit_run(s, n, q, 2) != 2)
      continue;
    x->d.sec = np_slice_from(s + q, 2);
    if (q + 2 < n && s[q + 2] == '.') {
      size_t e = q + 3;
      while (e < n && is_digit((unsigned char)s[e]))
        e++;
      /* \d* gives back digits one by one for the zone to take. */
      for (size_t k = e;; k--) {
        if (iso_tail(x, k)) {
          x->frac = true;
          return true;
        }
        if (k == q + 3)
          break;
      }
    }
    if (iso_tail(x, q + 2)) {
      x->frac = false;
      return true;
    }
  }
  x->d.sec = NP_SLICE_NULL;
  return iso_tail(x, p);
}

/* The optional clock at p, then seconds and tail. */
static bool iso_clock(iso_try *x, size_t p) {
  const char *s = x->s;
  size_t n = x->n, q = NPOS;
  if (p < n && is_space((unsigned char)s[p]))
    q = skip_space(s, n, p);
  else if (p < n && in_set(s[p], "-:Tt"))
    q = p + 1;
  for (size_t hl = 2; q != NPOS && hl >= 1; hl--) {
    if (digit_run(s, n, q, hl) != hl)
      continue;
    for (int c = 1; c >= 0; c--) {
      size_t m = q + hl + (size_t)c;
      if ((c && !(q + hl < n && s[q + hl] == ':')) ||
          digit_run(s, n, m, 2) != 2)
        continue;
      x->d.hr = np_slice_from(s + q, hl);
      x->d.min = np_slice_from(s + m, 2);
      if (iso_secs(x, m + 2))
        return true;
    }
  }
  x->d.hr = x->d.min = x->d.sec = NP_SLICE_NULL;
  return iso_tail(x, p);
}

static bool iso_match(iso_try *x) {
  const char *s = x->s;
  size_t n = x->n;
  if (digit_run(s, n, 0, 4) != 4)
    return false;
  x->d.yr = np_slice_from(s, 4);
  for (int s1 = 1; s1 >= 0; s1--) {
    if (s1 && !(4 < n && in_set(s[4], "-/")))
      continue;
    size_t mo = 4 + (size_t)s1;
    for (size_t ml = 2; ml >= 1; ml--) {
      if (digit_run(s, n, mo, ml) != ml)
        continue;
      for (int s2 = 1; s2 >= 0; s2--) {
        size_t dp = mo + ml;
        if (s2 && !(dp < n && in_set(s[dp], "-/")))
          continue;
        dp += (size_t)s2;
        for (size_t dl = 2; dl >= 1; dl--) {
          if (digit_run(s, n, dp, dl) != dl)
            continue;
          x->d.mon = np_slice_from(s + mo, ml);
          x->d.day = np_slice_from(s + dp, dl);
          if (iso_clock(x, dp + dl))
            return true;
        }
      }
    }
  }
  return false;
}

bool np__iso2time(const char *s, size_t n, int64_t *t) {
  size_t p = py_lstrip(s, n);
  iso_try x = {s + p, n - p,
               {NP_SLICE_NULL, NP_SLICE_NULL, NP_SLICE_NULL, NP_SLICE_NULL,
                NP_SLICE_NULL, NP_SLICE_NULL, NP_SLICE_NULL},
               false};
  return iso_match(&x) && !x.frac && str2time(&x.d, t);
}
