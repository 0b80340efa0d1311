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
