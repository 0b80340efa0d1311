/* urllib.robotparser's attribute calls: set_url/url/host/path, the
 * allow_all and disallow_all switches and modified()/mtime().  Expected
 * answers are CPython 3.11's RobotFileParser for the same steps. */
#include "test.h"

#include "netproto/robots.h"

#include <string.h>
#include <time.h>

static int can(np_robots *r, const char *url) {
  return np_robots_can_fetch(r, "*", 1, url, strlen(url));
}

TEST(set_url_keeps_url_host_and_path_as_python) {
  np_robots *r;
  ASSERT_OK(np_robots_new(&r, NULL, 0));
  ASSERT_EQ_SLICE(np_robots_url(r), "");
  const char *u = "http://Example.COM:8080/a/robots.txt?x";
  ASSERT_OK(np_robots_set_url(r, u, strlen(u)));
  ASSERT_EQ_SLICE(np_robots_url(r), "http://Example.COM:8080/a/robots.txt?x");
  ASSERT_EQ_SLICE(np_robots_host(r), "Example.COM:8080");
  ASSERT_EQ_SLICE(np_robots_path(r), "/a/robots.txt");
  ASSERT_OK(np_robots_set_url(r, "http://h/r", 10)); /* replaced whole */
  ASSERT_EQ_SLICE(np_robots_url(r), "http://h/r");
  ASSERT_EQ_SLICE(np_robots_host(r), "h");
  np_robots_free(r);
}

TEST(allow_all_disallow_all_and_modified_as_python) {
  np_robots *r;
  ASSERT_OK(np_robots_new(&r, NULL, 0));
  np_robots_set_disallow_all(r, 1);
  ASSERT_EQ_INT(can(r, "/"), 0);
  np_robots_set_disallow_all(r, 0);
  np_robots_set_allow_all(r, 1);
  ASSERT_EQ_INT(can(r, "/"), 1); /* allowed though never read */
  ASSERT(np_robots_mtime(r) == 0);
  np_robots_set_allow_all(r, 0);
  ASSERT_EQ_INT(can(r, "/"), 0); /* not read: nothing may be fetched */
  double before = (double)time(NULL);
  np_robots_modified(r);
  ASSERT(np_robots_mtime(r) >= before - 1 && np_robots_mtime(r) <= before + 5);
  ASSERT_EQ_INT(can(r, "/"), 1); /* read, and no rules */
  np_robots_set_disallow_all(r, 1);
  np_robots_set_allow_all(r, 1);
  ASSERT_EQ_INT(can(r, "/"), 0); /* disallow_all is asked first */
  np_robots_free(r);
}
