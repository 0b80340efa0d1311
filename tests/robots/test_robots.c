/* urllib.robotparser: one test per documented rule; the expected answers
 * were checked with CPython 3.11's RobotFileParser. */
#include "test.h"

#include "netproto/robots.h"

static np_robots *parsed(const char *text) {
  np_robots *r;
  ASSERT_OK(np_robots_new(&r, NULL, 0));
  ASSERT_OK(np_robots_parse(r, text, strlen(text), NULL));
  return r;
}

static int can(np_robots *r, const char *agent, const char *url) {
  return np_robots_can_fetch(r, agent, strlen(agent), url, strlen(url));
}

static const char *python_docs_example =
    "User-agent: *\n"
    "Crawl-delay: 6\n"
    "Request-rate: 3/20\n"
    "Disallow: /cgi-bin/\n"
    "Disallow: /tmp/\n"
    "\n"
    "User-agent: FigTree\n"
    "Allow: /tmp/public\n"
    "Disallow: /tmp\n"
    "Crawl-delay: 2\n"
    "Sitemap: https://www.example.com/sitemap.xml\n";

TEST(nothing_may_be_fetched_before_the_file_is_read) {
  np_robots *r;
  ASSERT_OK(np_robots_new(&r, "http://www.example.com/robots.txt", 33));
  ASSERT_EQ_SLICE(np_robots_host(r), "www.example.com");
  ASSERT_EQ_SLICE(np_robots_path(r), "/robots.txt");
  ASSERT(np_robots_mtime(r) == 0);
  ASSERT_EQ_INT(can(r, "*", "/"), 0);
  uint64_t d;
  ASSERT_EQ_INT(np_robots_crawl_delay(r, "*", 1, &d), NP_ENOTFOUND);
  np_robots_free(r);
}

TEST(first_matching_record_decides_and_star_comes_last) {
  np_robots *r = parsed(python_docs_example);
  ASSERT(np_robots_mtime(r) > 0);
  ASSERT_EQ_INT(can(r, "FigTree/1.0", "http://www.example.com/tmp/public/x"), 1);
  ASSERT_EQ_INT(can(r, "figtree", "/tmp/private"), 0);
  ASSERT_EQ_INT(can(r, "FigTree", "/cgi-bin/x"), 1); /* its own record decides */
  ASSERT_EQ_INT(can(r, "OtherBot", "/cgi-bin/x"), 0);
  ASSERT_EQ_INT(can(r, "OtherBot", "/index.html"), 1);
  np_robots_free(r);
}

TEST(agent_match_is_a_case_insensitive_substring_of_the_name_token) {
  np_robots *r = parsed("User-agent: tree\nDisallow: /\n");
  ASSERT_EQ_INT(can(r, "FigTree/2.0 (like Mozilla)", "/x"), 0);
  ASSERT_EQ_INT(can(r, "Fig/Tree", "/x"), 1); /* only "Fig" is compared */
  np_robots_free(r);
}

TEST(crawl_delay_and_request_rate) {
  np_robots *r = parsed(python_docs_example);
  uint64_t d, q, s;
  ASSERT_OK(np_robots_crawl_delay(r, "FigTree", 7, &d));
  ASSERT_EQ_INT(d, 2);
  ASSERT_OK(np_robots_crawl_delay(r, "x", 1, &d));
  ASSERT_EQ_INT(d, 6);
  /* FigTree's record decides and has no rate: None, not the default's. */
  ASSERT_EQ_INT(np_robots_request_rate(r, "FigTree", 7, &q, &s), NP_ENOTFOUND);
  ASSERT_OK(np_robots_request_rate(r, "x", 1, &q, &s));
  ASSERT(q == 3 && s == 20);
  np_robots_free(r);
}

TEST(invalid_numbers_are_ignored_and_unicode_digits_count) {
  np_robots *r = parsed("User-agent: a\nCrawl-delay: 1.5\nRequest-rate: 1/x\n"
                        "\nUser-agent: b\nCrawl-delay: \xd9\xa3\n");
  uint64_t d, q, s;
  ASSERT_EQ_INT(np_robots_crawl_delay(r, "a", 1, &d), NP_ENOTFOUND);
  ASSERT_EQ_INT(np_robots_request_rate(r, "a", 1, &q, &s), NP_ENOTFOUND);
  ASSERT_OK(np_robots_crawl_delay(r, "b", 1, &d)); /* ARABIC-INDIC THREE */
  ASSERT_EQ_INT(d, 3);
  np_robots_free(r);
}

TEST(a_crawl_delay_line_ends_the_agent_lines_even_when_invalid) {
  /* Python moves to the rules state on any Crawl-delay, so "b" starts a
   * new record instead of joining "a"'s. */
  np_robots *r = parsed("User-agent: a\nCrawl-delay: -1\nUser-agent: b\n"
                        "Disallow: /\n");
  ASSERT_EQ_INT(can(r, "a", "/x"), 1);
  ASSERT_EQ_INT(can(r, "b", "/x"), 0);
  np_robots_free(r);
}

TEST(superscript_delay_stops_the_parse_as_pythons_valueerror) {
  np_robots *r;
  const char *t = "User-agent: a\nDisallow: /a\n\nUser-agent: b\n"
                  "Crawl-delay: \xc2\xb2\nDisallow: /b\n";
  np_error err = NP_ERROR_INIT;
  ASSERT_OK(np_robots_new(&r, NULL, 0));
  ASSERT_EQ_INT(np_robots_parse(r, t, strlen(t), &err), NP_EINVAL);
  ASSERT(strstr(err.message, "invalid literal for int()") != NULL);
  ASSERT_EQ_INT(can(r, "a", "/a"), 0); /* the record before the bad line */
  ASSERT_EQ_INT(can(r, "b", "/b"), 1); /* the bad record never completed */
  np_robots_free(r);
}

TEST(empty_disallow_allows_everything) {
  np_robots *r = parsed("User-agent: *\nDisallow:\n");
  ASSERT_EQ_INT(can(r, "x", "/anything"), 1);
  np_robots_free(r);
}

TEST(blank_line_ends_a_record_and_agents_without_rules_are_dropped) {
  np_robots *r = parsed("User-agent: a\n\nDisallow: /\n\nUser-agent: b\n"
                        "# comment\nDisallow: /b\n");
  ASSERT_EQ_INT(can(r, "a", "/"), 1);  /* "a" had no rule before the blank */
  ASSERT_EQ_INT(can(r, "b", "/b"), 0); /* a comment line is not blank */
  np_robots_free(r);
}

TEST(paths_are_compared_quoted) {
  np_robots *r = parsed("User-agent: *\nDisallow: /a%3cd.html\n"
                        "Disallow: /%7Ejoe/\nDisallow: /\xc3\xa9t\xc3\xa9\n");
  ASSERT_EQ_INT(can(r, "x", "/a%3Cd.html"), 0);
  ASSERT_EQ_INT(can(r, "x", "/a<d.html"), 0);
  ASSERT_EQ_INT(can(r, "x", "/~joe/index.html"), 0);
  ASSERT_EQ_INT(can(r, "x", "/%C3%A9t%C3%A9/x"), 0);
  ASSERT_EQ_INT(can(r, "x", "/ete"), 1);
  np_robots_free(r);
}

TEST(a_star_path_is_quoted_like_any_other_and_empty_url_is_root) {
  /* Python quotes the rule path, so "*" becomes "%2A" and matches nothing
   * but itself: no wildcard matching. */
  np_robots *r = parsed("User-agent: *\nDisallow: *\n");
  ASSERT_EQ_INT(can(r, "x", "/"), 1);
  ASSERT_EQ_INT(can(r, "x", "%2A/x"), 0);
  np_robots_free(r);
  r = parsed("User-agent: *\nDisallow: /$\n");
  ASSERT_EQ_INT(can(r, "x", ""), 1); /* "" becomes "/", and "/$" is literal */
  np_robots_free(r);
}

TEST(sitemaps_are_kept_in_order_from_anywhere) {
  np_robots *r = parsed("Sitemap: http://a/1.xml\nUser-agent: *\n"
                        "Sitemap: http://a/%32.xml\n");
  const np_slice *maps;
  ASSERT_EQ_INT(np_robots_site_maps(r, &maps), 2);
  ASSERT_EQ_SLICE(maps[0], "http://a/1.xml");
  ASSERT_EQ_SLICE(maps[1], "http://a/2.xml");
  np_robots_free(r);
  r = parsed("User-agent: *\n");
  ASSERT_EQ_INT(np_robots_site_maps(r, &maps), 0);
  np_robots_free(r);
}

TEST(http_errors_of_read_allow_or_disallow_all) {
  np_robots *r;
  ASSERT_OK(np_robots_new(&r, NULL, 0));
  np_robots_apply_status(r, 404);
  ASSERT_EQ_INT(can(r, "x", "/"), 1);
  np_robots_apply_status(r, 403);
  ASSERT_EQ_INT(can(r, "x", "/"), 0); /* disallow_all wins */
  np_robots_free(r);
  ASSERT_OK(np_robots_new(&r, NULL, 0));
  np_robots_apply_status(r, 500);
  ASSERT_EQ_INT(can(r, "x", "/"), 0); /* still unread */
  np_robots_free(r);
}

TEST(every_python_line_break_ends_a_line) {
  /* \r, \v, \f, \x1c, U+0085, U+2028 */
  np_robots *r = parsed("User-agent: *\rDisallow: /a\x0b" "Disallow: /b\x0c"
                        "Disallow: /c\x1c" "Disallow: /d\xc2\x85"
                        "Disallow: /e\xe2\x80\xa8" "Disallow: /f");
  const char *paths[] = {"/a", "/b", "/c", "/d", "/e", "/f"};
  for (size_t i = 0; i < 6; i++)
    ASSERT_EQ_INT(can(r, "x", paths[i]), 0);
  ASSERT_EQ_INT(can(r, "x", "/g"), 1);
  np_robots_free(r);
}

TEST(not_utf8_is_refused) {
  np_robots *r;
  np_error err = NP_ERROR_INIT;
  ASSERT_OK(np_robots_new(&r, NULL, 0));
  ASSERT_EQ_INT(np_robots_parse(r, "User-agent: \xff\n", 14, &err),
                NP_EURL_ENCODING);
  ASSERT(np_robots_mtime(r) == 0);
  np_robots_free(r);
}

TEST(bad_bracketed_url_is_an_error_like_pythons_valueerror) {
  np_robots *r = parsed("User-agent: *\nDisallow: /x\n");
  ASSERT_EQ_INT(can(r, "x", "http://[bad/"), NP_EURL_BRACKET);
  np_robots_free(r);
}

TEST(input_past_the_limit_is_ignored) {
  np_robots *r;
  const char *t = "User-agent: *\nDisallow: /a\nDisallow: /b\n";
  ASSERT_OK(np_robots_new(&r, NULL, 0));
  size_t dflt = np_robots_max_bytes(r);
  ASSERT(dflt == NP_ROBOTS_DEFAULT_MAX_BYTES);
  np_robots_set_max_bytes(r, 28); /* up to and including "/a\n" */
  ASSERT_EQ_INT(np_robots_max_bytes(r), 28);
  ASSERT_OK(np_robots_parse(r, t, strlen(t), NULL));
  ASSERT_EQ_INT(can(r, "x", "/a"), 0);
  ASSERT_EQ_INT(can(r, "x", "/b"), 1);
  np_robots_set_max_bytes(r, 0); /* back to the default */
  ASSERT_EQ_INT(np_robots_max_bytes(r), dflt);
  np_robots_free(r);
}

TEST(unicode_agent_names_compare_lower_cased) {
  np_robots *r = parsed("User-agent: \xce\xa3\xce\x91\xce\xa3\nDisallow: /\n");
  ASSERT_EQ_INT(can(r, "\xcf\x83\xce\xb1\xcf\x82/1.0", "/x"), 0); /* σας */
  np_robots_free(r);
}
