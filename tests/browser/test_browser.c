/*
 * webbrowser: every controller type, discovery, BROWSER, register/get and
 * refused URLs, driven against stand-in browsers - small shell scripts put
 * in a fresh directory that is the whole PATH, each appending one line
 * "name [arg1] [arg2]..." to calls.log when run.
 */
#include "test.h"

#include "browser/browser_internal.h"
#include "netproto/webbrowser.h"

#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char dir[512];
static char logpath[600];

static void fresh_dir(void) {
  const char *tmp = getenv("TMPDIR");
  snprintf(dir, sizeof dir, "%s/npbrowserXXXXXX", tmp && *tmp ? tmp : "/tmp");
  ASSERT(mkdtemp(dir) != NULL);
  snprintf(logpath, sizeof logpath, "%s/calls.log", dir);
}

static void remove_dir(void) {
  DIR *d = opendir(dir);
  if (!d)
    return;
  struct dirent *e;
  char p[1200];
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    unlink(p);
  }
  closedir(d);
  rmdir(dir);
}

/* A stand-in browser: records its arguments, then runs body (sh). */
static void stand_in(const char *name, const char *body) {
  char p[700];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  FILE *f = fopen(p, "w");
  ASSERT(f != NULL);
  fprintf(f,
          "#!/bin/sh\n"
          "line='%s'\n"
          "for a in \"$@\"; do line=\"$line [$a]\"; done\n"
          "printf '%%s\\n' \"$line\" >> '%s'\n"
          "%s\n",
          name, logpath, body ? body : "exit 0");
  fclose(f);
  ASSERT_OK(chmod(p, 0755));
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "r");
  static char buf[8192];
  buf[0] = '\0';
  if (!f)
    return buf;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

static int count_lines(const char *s) {
  int n = 0;
  for (; *s; s++)
    n += *s == '\n';
  return n;
}

/* Detached browsers write after open() returned: wait (bounded, generous
 * for a loaded machine). */
static char *wait_log(int lines) {
  for (int i = 0; i < 1500; i++) {
    char *s = slurp(logpath);
    if (count_lines(s) >= lines)
      return s;
    poll(NULL, 0, 10);
  }
  return slurp(logpath);
}

static void reset_log(void) { unlink(logpath); }

/* An environment: PATH=dir plus up to 6 more NAME=VALUE strings. */
static const char *envv[8];
static char pathvar[600];
static const char *const *env_of(const char *a, const char *b, const char *c) {
  snprintf(pathvar, sizeof pathvar, "PATH=%s", dir);
  size_t n = 0;
  envv[n++] = pathvar;
  if (a)
    envv[n++] = a;
  if (b)
    envv[n++] = b;
  if (c)
    envv[n++] = c;
  envv[n] = NULL;
  return envv;
}

static np_browser_registry *registry(const char *a, const char *b,
                                     const char *c) {
  np_browser_registry *reg = NULL;
  ASSERT_OK(np_browser_registry_new(&reg, env_of(a, b, c), NULL));
  return reg;
}

/* The try order as one string "a,b,c". */
static const char *order(np_browser_registry *reg) {
  static char buf[1024];
  buf[0] = '\0';
  for (size_t i = 0; i < np_browser_registry_count(reg); i++) {
    if (i)
      strcat(buf, ",");
    strcat(buf, np_browser_registry_name(reg, i));
  }
  return buf;
}

static int open_with(np_browser_registry *reg, const char *name, const char *url,
                     int new_, int autoraise, np_error *err) {
  np_browser_ctl *c = NULL;
  int rc = np_browser_get(reg, name, &c, err);
  if (rc != NP_OK)
    return rc;
  np_browser_ctl_set_remote_timeout(c, 2000);
  return np_browser_ctl_open(c, url, strlen(url), new_, autoraise, err);
}

/* Nothing we started may be left as our child (no zombie). */
static void assert_no_children(void) {
  errno = 0;
  ASSERT(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
}

#define URL "http://example.org/a?b=1&c=%41"

#define ASSERT_STREQ(a, b)                                                   \
  do {                                                                       \
    const char *x_ = (a);                                                    \
    ASSERT_EQ_MEM(x_, strlen(x_), b);                                        \
  } while (0)

/* ---- text pieces ---- */

static const char *split_join(const char *line, int *rc) {
  static char buf[512];
  np__strv v = {0};
  *rc = np__browser_split(line, strlen(line), &v, NULL);
  buf[0] = '\0';
  for (size_t i = 0; i < v.n; i++) {
    strcat(buf, "<");
    strcat(buf, v.v[i]);
    strcat(buf, ">");
  }
  np__strv_free(&v);
  return buf;
}

TEST(split_like_shlex) {
  int rc;
  ASSERT(strcmp(split_join("  a b\tc ", &rc), "<a><b><c>") == 0);
  ASSERT(strcmp(split_join("x 'a b' \"c d\" e\\ f", &rc), "<x><a b><c d><e f>") == 0);
  ASSERT(strcmp(split_join("a'b'\"c\"d", &rc), "<abcd>") == 0);
  ASSERT(strcmp(split_join("\"a\\\"b\\\\c\\d\"", &rc), "<a\"b\\c\\d>") == 0);
  ASSERT(strcmp(split_join("'a\\b' \"\"", &rc), "<a\\b><>") == 0);
  split_join("a 'b", &rc);
  ASSERT_EQ_INT(rc, NP_EBROWSER_COMMAND);
  split_join("a \"b", &rc);
  ASSERT_EQ_INT(rc, NP_EBROWSER_COMMAND);
  split_join("a b\\", &rc);
  ASSERT_EQ_INT(rc, NP_EBROWSER_COMMAND);
}

static const char *expand(const char *tmpl, const char *url, const char *action) {
  static np_buf b;
  np_buf_free(&b);
  np_buf_init(&b, 0);
  ASSERT_OK(np__browser_expand(&b, tmpl, url, strlen(url), action));
  return b.data ? b.data : "";
}

TEST(templates_percent_s_and_percent_percent) {
  ASSERT(strcmp(expand("--url=%s", "U", NULL), "--url=U") == 0);
  ASSERT(strcmp(expand("100%%", "U", NULL), "100%") == 0);
  ASSERT(strcmp(expand("%%s", "U", NULL), "%s") == 0);
  ASSERT(strcmp(expand("%x%", "U", NULL), "%x%") == 0);
  ASSERT(strcmp(expand("openURL(%s%action)", "U", ",new-tab"), "openURL(U,new-tab)") == 0);
  ASSERT(strcmp(expand("%action", "U", NULL), "%action") == 0);
  /* one pass: a URL holding "%s" or "%action" is not expanded again */
  ASSERT(strcmp(expand("%s%action", "a%sb%action", "X"), "a%sb%actionX") == 0);
  ASSERT(np__browser_has_url("a %s"));
  ASSERT(!np__browser_has_url("a %%s"));
  ASSERT(np__browser_has_url("a %%%s"));
  expand("", "", NULL);
}

TEST(refused_urls) {
  np_error err = NP_ERROR_INIT;
  ASSERT_EQ_INT(np__browser_check_url("-x", 2, &err), NP_EBROWSER_URL);
  ASSERT(strstr(err.message, "leading dash disallowed") != NULL);
  ASSERT_EQ_INT(np__browser_check_url(" \t-x", 4, NULL), NP_EBROWSER_URL);
  ASSERT_EQ_INT(np__browser_check_url("\x1f--help", 7, NULL), NP_EBROWSER_URL);
  ASSERT_EQ_INT(np__browser_check_url("a\0b", 3, NULL), NP_EBROWSER_URL);
  ASSERT_OK(np__browser_check_url("a-b", 3, NULL));
  ASSERT_OK(np__browser_check_url("", 0, NULL));
  ASSERT_OK(np__browser_check_url("  x", 3, NULL));
  static char big[NP_BROWSER_URL_MAX + 2];
  memset(big, 'a', sizeof big);
  ASSERT_EQ_INT(np__browser_check_url(big, sizeof big, NULL), NP_ETOOLARGE);
  np_error_clear(&err);

  /* Refused before any browser runs. */
  fresh_dir();
  stand_in("rec", NULL);
  np_browser_registry *reg = registry("BROWSER=rec", NULL, NULL);
  ASSERT_OK(np_browser_registry_discover(reg, NULL));
  ASSERT_EQ_INT(np_browser_registry_open(reg, "-x", 2, 0, 1, NULL), NP_EBROWSER_URL);
  ASSERT_EQ_INT(np_browser_registry_open(reg, " --help", 7, 0, 1, NULL), NP_EBROWSER_URL);
  ASSERT_EQ_INT(open_with(reg, "rec", "--x", 0, 1, NULL), NP_EBROWSER_URL);
  ASSERT_EQ_INT(np_browser_registry_open(reg, "x", 1, 3, 1, NULL), NP_EBROWSER_NEW);
  ASSERT_EQ_INT(open_with(reg, "rec", "x", -1, 1, NULL), NP_EBROWSER_NEW);
  ASSERT(strcmp(slurp(logpath), "") == 0);
  np_browser_registry_free(reg);
  remove_dir();
}

/* ---- controllers ---- */

TEST(generic_waits_and_passes_url_as_one_argument) {
  fresh_dir();
  stand_in("rec", NULL);
  stand_in("fail3", "exit 3");
  np_browser_registry *reg = registry(NULL, NULL, NULL);
  const char *url = "http://x/a b;$(touch pwned)`id`|&'\"";
  ASSERT_OK(open_with(reg, "rec --a=%s", url, 0, 1, NULL));
  ASSERT_EQ_MEM(slurp(logpath), strlen(slurp(logpath)),
                "rec [--a=http://x/a b;$(touch pwned)`id`|&'\"]\n");
  ASSERT(access("pwned", F_OK) != 0);
  np_error err = NP_ERROR_INIT;
  ASSERT_EQ_INT(open_with(reg, "fail3 %s", "u", 0, 1, &err), NP_EBROWSER_FAILED);
  ASSERT_EQ_INT(err.value, 3);
  ASSERT_EQ_INT(open_with(reg, "missing %s", "u", 0, 1, &err), NP_EBROWSER_FAILED);
  ASSERT_EQ_INT(err.sys_errno, ENOENT);
  np_error_clear(&err);
  assert_no_children();
  np_browser_registry_free(reg);
  remove_dir();
}

TEST(browsers_inherit_no_descriptors_but_the_standard_three) {
  fresh_dir();
  char body[1400];
  snprintf(body, sizeof body,
           "for fd in 0 1 2 42; do [ -e /proc/$$/fd/$fd ] && printf 'fd%%s ' $fd "
           ">> '%s'; done; echo >> '%s'",
           logpath, logpath);
  stand_in("rec", body);
  int fd = open(logpath, O_RDONLY | O_CREAT, 0600);
  ASSERT(fd >= 0);
  ASSERT_EQ_INT(dup2(fd, 42), 42); /* not close-on-exec */
  close(fd);
  np_browser_registry *reg = registry(NULL, NULL, NULL);
  ASSERT_OK(open_with(reg, "rec %s", "u", 0, 1, NULL));
  ASSERT_OK(open_with(reg, "rec %s &", "v", 0, 1, NULL));
  ASSERT_STREQ(wait_log(4), "rec [u]\nfd0 fd1 fd2 \nrec [v]\nfd0 fd1 fd2 \n");
  close(42);
  np_browser_registry_free(reg);
  remove_dir();
}

TEST(command_from_argv) {
  fresh_dir();
  stand_in("rec", NULL);
  np_browser_registry *reg = registry(NULL, NULL, NULL);
  const char *one[] = {"rec"};
  const char *many[] = {"rec", "-x", "%s", "100%%"};
  np_browser_ctl *c = NULL;
  ASSERT_OK(np_browser_ctl_new_command(&c, NP_BROWSER_GENERIC, one, 1, NULL));
  ASSERT_OK(np_browser_register(reg, "one", c, NULL, NULL, 0, NULL));
  ASSERT_OK(np_browser_ctl_new_command(&c, NP_BROWSER_GENERIC, many, 4, NULL));
  ASSERT_OK(np_browser_register(reg, "many", c, NULL, NULL, 0, NULL));
  ASSERT_OK(open_with(reg, "one", "u1", 0, 1, NULL));
  ASSERT_OK(open_with(reg, "many", "u2", 0, 1, NULL));
  char *log = slurp(logpath);
  ASSERT_EQ_MEM(log, strlen(log), "rec [u1]\nrec [-x] [u2] [100%]\n");
  ASSERT_EQ_INT(np_browser_ctl_new_command(&c, NP_BROWSER_MOZILLA, one, 1, NULL),
                NP_EINVAL);
  ASSERT_EQ_INT(np_browser_ctl_new_command(&c, NP_BROWSER_GENERIC, one, 0, NULL),
                NP_EINVAL);
  np_browser_registry_free(reg);
  remove_dir();
}

static long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

TEST(background_is_detached_and_leaves_no_zombie) {
  fresh_dir();
  char body[800];
  /* Record who the parent is and whether we lead our own session. */
  snprintf(body, sizeof body,
           "/bin/sleep 2\n"
           "read -r stat < /proc/$$/stat\n"
           "set -- $stat\n"
           "printf 'ppid=%%s self=%%s sid=%%s\\n' \"$4\" \"$1\" \"$6\" >> '%s'\n",
           logpath);
  stand_in("bg", body);
  np_browser_registry *reg = registry(NULL, NULL, NULL);
  long t0 = now_ms();
  ASSERT_OK(open_with(reg, "bg %s &", URL, 0, 1, NULL));
  ASSERT(now_ms() - t0 < 1800); /* it did not wait for the browser */
  assert_no_children();        /* the intermediate is reaped, no zombie */
  char *log = wait_log(2);
  ASSERT(strncmp(log, "bg [" URL "]\n", strlen("bg [" URL "]\n")) == 0);
  long ppid = 0, self = -1, sid = -2;
  const char *p = strstr(log, "ppid=");
  ASSERT(p && sscanf(p, "ppid=%ld self=%ld sid=%ld", &ppid, &self, &sid) == 3);
  ASSERT(ppid != (long)getpid()); /* reparented away from us */
  ASSERT_EQ_INT(self, sid);       /* its own session (setsid) */
  /* A background command that cannot be executed fails. */
  np_error err = NP_ERROR_INIT;
  ASSERT_EQ_INT(open_with(reg, "nosuch %s &", URL, 0, 1, &err), NP_EBROWSER_FAILED);
  ASSERT_EQ_INT(err.sys_errno, ENOENT);
  /* ...and so does one that exists but is not executable by execve. */
  char p2[700];
  snprintf(p2, sizeof p2, "%s/noexec", dir);
  FILE *f = fopen(p2, "w");
  ASSERT(f);
  fputs("\x7f" "ELFgarbage", f);
  fclose(f);
  chmod(p2, 0755);
  ASSERT_EQ_INT(open_with(reg, "noexec %s &", URL, 0, 1, &err), NP_EBROWSER_FAILED);
  ASSERT_EQ_INT(err.sys_errno, ENOEXEC);
  np_error_clear(&err);
  assert_no_children();
  np_browser_registry_free(reg);
  remove_dir();
}

/* Open with a family controller for each 'new' and return the log. */
static const char *family_calls(np_browser_kind kind, const char *prog,
                                int autoraise) {
  static char all[4096];
  all[0] = '\0';
  np_browser_registry *reg = registry(NULL, NULL, NULL);
  np_browser_ctl *c = NULL;
  ASSERT_OK(np_browser_ctl_new_unix(&c, kind, prog, NULL));
  ASSERT_OK(np_browser_register(reg, prog, c, NULL, NULL, 0, NULL));
  for (int n = 0; n <= 2; n++) {
    reset_log();
    ASSERT_OK(open_with(reg, prog, URL, n, autoraise, NULL));
    strcat(all, wait_log(1));
  }
  np_browser_registry_free(reg);
  assert_no_children();
  return all;
}


TEST(families_remote_options) {
  fresh_dir();
  const char *progs[] = {"firefox", "chromium", "opera", "microsoft-edge",
                         "epiphany", "elinks"};
  for (size_t i = 0; i < 6; i++)
    stand_in(progs[i], NULL);
  ASSERT_STREQ(family_calls(NP_BROWSER_MOZILLA, "firefox", 1),
               "firefox [" URL "]\n"
               "firefox [-new-window] [" URL "]\n"
               "firefox [-new-tab] [" URL "]\n");
  ASSERT_STREQ(family_calls(NP_BROWSER_CHROME, "chromium", 1),
               "chromium [" URL "]\n"
               "chromium [--new-window] [" URL "]\n"
               "chromium [" URL "]\n");
  ASSERT_STREQ(family_calls(NP_BROWSER_OPERA, "opera", 1),
               "opera [" URL "]\n"
               "opera [--new-window] [" URL "]\n"
               "opera [" URL "]\n");
  ASSERT_STREQ(family_calls(NP_BROWSER_EDGE, "microsoft-edge", 1),
               "microsoft-edge [" URL "]\n"
               "microsoft-edge [--new-window] [" URL "]\n"
               "microsoft-edge [" URL "]\n");
  ASSERT_STREQ(family_calls(NP_BROWSER_EPIPHANY, "epiphany", 1),
               "epiphany [-n] [" URL "]\n"
               "epiphany [-w] [" URL "]\n"
               "epiphany [-w] [" URL "]\n");
  ASSERT_STREQ(family_calls(NP_BROWSER_EPIPHANY, "epiphany", 0),
               "epiphany [-noraise] [-n] [" URL "]\n"
               "epiphany [-noraise] [-w] [" URL "]\n"
               "epiphany [-noraise] [-w] [" URL "]\n");
  ASSERT_STREQ(family_calls(NP_BROWSER_ELINKS, "elinks", 1),
               "elinks [-remote] [openURL(" URL ")]\n"
               "elinks [-remote] [openURL(" URL ",new-window)]\n"
               "elinks [-remote] [openURL(" URL ",new-tab)]\n");
  remove_dir();
}

TEST(remote_failure_falls_back_to_plain_start) {
  fresh_dir();
  /* Refuses remote control (any option), starts fine with just a URL. */
  stand_in("firefox", "case \"$1\" in -*) exit 2;; esac; exit 0");
  stand_in("elinks", "[ \"$1\" = -remote ] && exit 1; exit 0");
  np_browser_registry *reg = registry(NULL, NULL, NULL);
  np_browser_ctl *c = NULL;
  ASSERT_OK(np_browser_ctl_new_unix(&c, NP_BROWSER_MOZILLA, "firefox", NULL));
  ASSERT_OK(np_browser_register(reg, "firefox", c, NULL, NULL, 0, NULL));
  ASSERT_OK(open_with(reg, "firefox", URL, NP_BROWSER_TAB, 1, NULL));
  ASSERT_STREQ(wait_log(2), "firefox [-new-tab] [" URL "]\nfirefox [" URL "]\n");
  reset_log();
  ASSERT_OK(np_browser_ctl_new_unix(&c, NP_BROWSER_ELINKS, "elinks", NULL));
  ASSERT_OK(np_browser_register(reg, "elinks", c, NULL, NULL, 0, NULL));
  ASSERT_OK(open_with(reg, "elinks", URL, 0, 1, NULL));
  ASSERT_STREQ(slurp(logpath), "elinks [-remote] [openURL(" URL ")]\nelinks [" URL "]\n");
  np_browser_registry_free(reg);
  assert_no_children();
  remove_dir();
}

TEST(remote_still_running_counts_as_started) {
  fresh_dir();
  stand_in("chromium", "exec /bin/sleep 5");
  np_browser_registry *reg = registry(NULL, NULL, NULL);
  np_browser_ctl *c = NULL;
  ASSERT_OK(np_browser_ctl_new_unix(&c, NP_BROWSER_CHROME, "chromium", NULL));
  np_browser_ctl_set_remote_timeout(c, 200);
  ASSERT_OK(np_browser_register(reg, "chromium", c, NULL, NULL, 0, NULL));
  long t0 = now_ms();
  ASSERT_OK(np_browser_ctl_open(c, URL, strlen(URL), 0, 1, NULL));
  long took = now_ms() - t0;
  ASSERT(took >= 150 && took < 4000);
  ASSERT_STREQ(slurp(logpath), "chromium [" URL "]\n"); /* no fallback */
  assert_no_children();
  np_browser_registry_free(reg);
  remove_dir();
}

TEST(konqueror_tries_kfmclient_then_konqueror_then_kfm) {
  fresh_dir();
  np_browser_registry *reg = registry(NULL, NULL, NULL);
  np_browser_ctl *c = NULL;
  ASSERT_OK(np_browser_ctl_new_unix(&c, NP_BROWSER_KONQUEROR, "kfmclient", NULL));
  ASSERT_OK(np_browser_register(reg, "kfmclient", c, NULL, NULL, 0, NULL));
  np_error err = NP_ERROR_INIT;
  ASSERT_EQ_INT(open_with(reg, "kfmclient", URL, 0, 1, &err), NP_EBROWSER_FAILED);
  stand_in("kfm", NULL);
  ASSERT_OK(open_with(reg, "kfmclient", URL, 0, 1, NULL));
  ASSERT_STREQ(wait_log(1), "kfm [-d] [" URL "]\n");
  reset_log();
  stand_in("konqueror", NULL);
  ASSERT_OK(open_with(reg, "kfmclient", URL, 0, 1, NULL));
  ASSERT_STREQ(wait_log(1), "konqueror [--silent] [" URL "]\n");
  reset_log();
  stand_in("kfmclient", "exit 1"); /* its status means nothing */
  ASSERT_OK(open_with(reg, "kfmclient", URL, NP_BROWSER_TAB, 1, NULL));
  ASSERT_OK(open_with(reg, "kfmclient", URL, NP_BROWSER_WINDOW, 1, NULL));
  ASSERT_STREQ(slurp(logpath), "kfmclient [newTab] [" URL "]\n"
                               "kfmclient [openURL] [" URL "]\n");
  np_error_clear(&err);
  np_browser_registry_free(reg);
  assert_no_children();
  remove_dir();
}

static int custom_open(void *ctx, const char *url, size_t len, int new_,
                       int autoraise, np_error *err) {
  (void)err;
  snprintf(ctx, 128, "%.*s/%d/%d", (int)len, url, new_, autoraise);
  return NP_OK;
}

static int custom_fail(void *ctx, const char *url, size_t len, int new_,
                       int autoraise, np_error *err) {
  (void)ctx, (void)url, (void)len, (void)new_, (void)autoraise;
  return np_error_set(err, NP_EBROWSER_FAILED, "custom says no");
}

static int ctor_calls;
static int make_custom(void *ctx, np_browser_ctl **out, np_error *err) {
  ctor_calls++;
  return np_browser_ctl_new_custom(out, "made", custom_open, ctx, NULL, err);
}

TEST(register_and_get) {
  fresh_dir();
  stand_in("firefox", NULL);
  np_browser_registry *reg = registry(NULL, NULL, NULL);
  np_browser_ctl *c = NULL;
  ASSERT_EQ_INT(np_browser_get(reg, NULL, &c, NULL), NP_EBROWSER_NOTFOUND);
  ASSERT_EQ_INT(np_browser_registry_open(reg, "u", 1, 0, 1, NULL),
                NP_EBROWSER_NOTFOUND);
  char seen[128] = "";
  ASSERT_OK(np_browser_ctl_new_custom(&c, "mine", custom_open, seen, NULL, NULL));
  ASSERT_OK(np_browser_register(reg, "Mine", c, NULL, NULL, 0, NULL));
  ASSERT_OK(np_browser_ctl_new_custom(&c, "no", custom_fail, NULL, NULL, NULL));
  ASSERT_OK(np_browser_register(reg, "nope", c, NULL, NULL, 1, NULL));
  char made_seen[128] = "";
  ASSERT_OK(np_browser_register(reg, "lazy", NULL, make_custom, made_seen, 0, NULL));
  ASSERT_STREQ(order(reg), "nope,Mine,lazy");
  ASSERT_OK(np_browser_ctl_new_unix(&c, NP_BROWSER_MOZILLA, "firefox", NULL));
  ASSERT_OK(np_browser_register(reg, "firefox", c, NULL, NULL, 0, NULL));

  /* open: the preferred one fails (False), the next one takes it */
  ASSERT_OK(np_browser_registry_open(reg, "u", 1, NP_BROWSER_TAB, 0, NULL));
  ASSERT_STREQ(seen, "u/2/0");
  /* get: case-insensitive names, NULL = first of the try order */
  ASSERT_OK(np_browser_get(reg, "MINE", &c, NULL));
  ASSERT_EQ_INT(np_browser_ctl_kind(c), NP_BROWSER_CUSTOM);
  ASSERT_OK(np_browser_get(reg, NULL, &c, NULL));
  ASSERT_STREQ(np_browser_ctl_name(c), "no");
  /* a constructor runs once, on first use */
  ASSERT_EQ_INT(ctor_calls, 0);
  ASSERT_OK(open_with(reg, "lazy", "v", 0, 1, NULL));
  ASSERT_OK(open_with(reg, "lazy", "w", 1, 1, NULL));
  ASSERT_EQ_INT(ctor_calls, 1);
  ASSERT_STREQ(made_seen, "w/1/1");
  /* a command line is a controller of its own */
  ASSERT_OK(np_browser_get(reg, "x-cmd --go %s &", &c, NULL));
  ASSERT_EQ_INT(np_browser_ctl_kind(c), NP_BROWSER_BACKGROUND);
  ASSERT_EQ_INT(np_browser_get(reg, "x-cmd 'unclosed %s", &c, NULL),
                NP_EBROWSER_COMMAND);
  /* a path to a known browser is that browser (Python's _synthesize) */
  char path[700];
  snprintf(path, sizeof path, "%s/firefox", dir);
  ASSERT_OK(np_browser_get(reg, path, &c, NULL));
  ASSERT_EQ_INT(np_browser_ctl_kind(c), NP_BROWSER_MOZILLA);
  ASSERT_STREQ(np_browser_ctl_name(c), path);
  ASSERT_OK(np_browser_ctl_open(c, URL, strlen(URL), 1, 1, NULL));
  ASSERT_STREQ(wait_log(1), "firefox [-new-window] [" URL "]\n");
  /* ...but not a custom controller that happens to share the name */
  stand_in("mine", NULL);
  snprintf(path, sizeof path, "%s/mine", dir);
  ASSERT_EQ_INT(np_browser_get(reg, path, &c, NULL), NP_EBROWSER_NOTFOUND);
  /* unknown names */
  np_error err = NP_ERROR_INIT;
  ASSERT_EQ_INT(np_browser_get(reg, "netscape", &c, &err), NP_EBROWSER_NOTFOUND);
  ASSERT(strstr(err.message, "could not locate runnable browser") != NULL);
  np_error_clear(&err);
  /* registering a name again replaces it */
  ASSERT_OK(np_browser_ctl_new_custom(&c, "again", custom_open, seen, NULL, NULL));
  ASSERT_OK(np_browser_register(reg, "mine", c, NULL, NULL, 1, NULL));
  ASSERT(strncmp(order(reg), "mine,nope,lazy,firefox,", 23) == 0);
  /* bad registrations */
  ASSERT_EQ_INT(np_browser_register(reg, "", NULL, make_custom, NULL, 0, NULL),
                NP_EINVAL);
  ASSERT_EQ_INT(np_browser_register(reg, "x", NULL, NULL, NULL, 0, NULL), NP_EINVAL);
  np_browser_registry_free(reg);
  remove_dir();
}

/* ---- discovery ---- */

static void all_stand_ins(void) {
  const char *names[] = {
      "xdg-open", "gio", "gvfs-open", "kfmclient", "x-www-browser", "firefox",
      "iceweasel", "seamonkey", "mozilla-firefox", "mozilla", "kfm", "konqueror",
      "epiphany", "google-chrome", "chrome", "chromium", "chromium-browser",
      "opera", "microsoft-edge", "www-browser", "links", "elinks", "lynx", "w3m"};
  for (size_t i = 0; i < NP_ARRAY_LEN(names); i++)
    stand_in(names[i], NULL);
}

static const char *discovered(const char *a, const char *b, const char *c) {
  static char buf[1024];
  np_browser_registry *reg = registry(a, b, c);
  ASSERT_OK(np_browser_registry_discover(reg, NULL));
  snprintf(buf, sizeof buf, "%s", order(reg));
  np_browser_registry_free(reg);
  return buf;
}

TEST(discovery_order_display_and_console) {
  fresh_dir();
  ASSERT_STREQ(discovered(NULL, NULL, NULL), "");
  ASSERT_STREQ(discovered("DISPLAY=:0", "TERM=xterm", NULL), "");
  all_stand_ins();
  ASSERT_STREQ(discovered(NULL, NULL, NULL), "");
  ASSERT_STREQ(discovered("DISPLAY=", "TERM=", NULL), "");
  ASSERT_STREQ(discovered("TERM=xterm", NULL, NULL),
               "www-browser,links,elinks,lynx,w3m");
  const char *x = "xdg-open,gio,x-www-browser,firefox,iceweasel,seamonkey,"
                  "mozilla-firefox,mozilla,kfm,epiphany,google-chrome,chrome,"
                  "chromium,chromium-browser,opera,microsoft-edge";
  ASSERT_STREQ(discovered("DISPLAY=:0", NULL, NULL), x);
  ASSERT_STREQ(discovered("WAYLAND_DISPLAY=wayland-0", NULL, NULL), x);
  char both[1024];
  snprintf(both, sizeof both, "%s,www-browser,links,elinks,lynx,w3m", x);
  ASSERT_STREQ(discovered("DISPLAY=:0", "TERM=xterm", NULL), both);
  /* GNOME and KDE sessions add their openers */
  ASSERT(strncmp(discovered("DISPLAY=:0", "XDG_CURRENT_DESKTOP=ubuntu:GNOME", NULL),
                 "xdg-open,gio,gvfs-open,x-www-browser,", 37) == 0);
  ASSERT(strncmp(discovered("DISPLAY=:0", "KDE_FULL_SESSION=true", NULL),
                 "xdg-open,gio,kfmclient,x-www-browser,", 37) == 0);
  /* konqueror only when there is no kfm */
  char p[700];
  snprintf(p, sizeof p, "%s/kfm", dir);
  unlink(p);
  ASSERT(strstr(discovered("DISPLAY=:0", NULL, NULL), ",mozilla,konqueror,epiphany,"));
  /* the kinds */
  np_browser_registry *reg = registry("DISPLAY=:0", "TERM=xterm", NULL);
  ASSERT_OK(np_browser_registry_discover(reg, NULL));
  static const struct {
    const char *name;
    np_browser_kind kind;
  } kinds[] = {{"xdg-open", NP_BROWSER_BACKGROUND}, {"gio", NP_BROWSER_BACKGROUND},
               {"firefox", NP_BROWSER_MOZILLA},     {"konqueror", NP_BROWSER_KONQUEROR},
               {"epiphany", NP_BROWSER_EPIPHANY},   {"chromium", NP_BROWSER_CHROME},
               {"opera", NP_BROWSER_OPERA},         {"microsoft-edge", NP_BROWSER_EDGE},
               {"lynx", NP_BROWSER_GENERIC},        {"elinks", NP_BROWSER_ELINKS}};
  for (size_t i = 0; i < NP_ARRAY_LEN(kinds); i++) {
    np_browser_ctl *c = NULL;
    ASSERT_OK(np_browser_get(reg, kinds[i].name, &c, NULL));
    ASSERT_EQ_INT(np_browser_ctl_kind(c), kinds[i].kind);
  }
  /* gio is run as "gio open -- URL" */
  ASSERT_OK(open_with(reg, "gio", URL, 0, 1, NULL));
  ASSERT_STREQ(wait_log(1), "gio [open] [--] [" URL "]\n");
  np_browser_registry_free(reg);
  remove_dir();
}

TEST(desktop_default_browser_goes_first) {
  fresh_dir();
  all_stand_ins();
  stand_in("xdg-settings",
           "[ \"$1 $2\" = 'get default-web-browser' ] && echo ' epiphany.desktop'");
  ASSERT(strncmp(discovered("DISPLAY=:0", NULL, NULL), "epiphany,xdg-open,gio,", 22) == 0);
  stand_in("xdg-settings", "echo firefox.desktop; exit 1"); /* failed: ignored */
  ASSERT(strncmp(discovered("DISPLAY=:0", NULL, NULL), "xdg-open,", 9) == 0);
  remove_dir();
}

TEST(browser_variable) {
  fresh_dir();
  all_stand_ins();
  stand_in("rec", NULL);
  /* entries in their own order, in front of everything found */
  ASSERT_STREQ(discovered("TERM=xterm", "BROWSER=rec %s:lynx::nosuch", NULL),
               "rec %s,lynx,nosuch,www-browser,links,elinks,w3m");
  /* a path to a known browser becomes that browser */
  char var[800];
  snprintf(var, sizeof var, "BROWSER=%s/firefox", dir);
  np_browser_registry *reg = registry("DISPLAY=:0", var, NULL);
  ASSERT_OK(np_browser_registry_discover(reg, NULL));
  np_browser_ctl *c = NULL;
  ASSERT_OK(np_browser_get(reg, NULL, &c, NULL));
  ASSERT_EQ_INT(np_browser_ctl_kind(c), NP_BROWSER_MOZILLA);
  ASSERT_STREQ(np_browser_ctl_name(c), var + 8);
  np_browser_registry_free(reg);
  /* %s and %% in a command line; the first that works wins */
  stand_in("fails", "exit 1");
  reg = registry("BROWSER=fails %s:rec --url=%s --pct=100%% 'a b':lynx", NULL, NULL);
  ASSERT_OK(np_browser_registry_discover(reg, NULL));
  ASSERT_OK(np_browser_registry_open(reg, URL, strlen(URL), 0, 1, NULL));
  ASSERT_STREQ(slurp(logpath), "fails [" URL "]\n"
                               "rec [--url=" URL "] [--pct=100%] [a b]\n");
  np_browser_registry_free(reg);
  /* a command without %s gets the URL last; '&' puts it in the background */
  reset_log();
  reg = registry("BROWSER=rec -x &", NULL, NULL);
  ASSERT_OK(np_browser_registry_discover(reg, NULL));
  ASSERT_OK(np_browser_get(reg, NULL, &c, NULL));
  ASSERT_EQ_INT(np_browser_ctl_kind(c), NP_BROWSER_BACKGROUND);
  ASSERT_OK(np_browser_registry_open(reg, URL, strlen(URL), 0, 1, NULL));
  ASSERT_STREQ(wait_log(1), "rec [-x] [" URL "]\n");
  np_browser_registry_free(reg);
  /* every browser failing is reported, naming the last one */
  np_error err = NP_ERROR_INIT;
  reg = registry("BROWSER=fails:nosuch", NULL, NULL);
  ASSERT_OK(np_browser_registry_discover(reg, NULL));
  ASSERT_EQ_INT(np_browser_registry_open(reg, "u", 1, 0, 1, &err), NP_EBROWSER_FAILED);
  ASSERT(strstr(err.message, "nosuch") != NULL);
  ASSERT_EQ_INT(err.sys_errno, ENOENT);
  np_browser_registry_free(reg);
  /* a BROWSER that does not parse is an error */
  reg = registry("BROWSER=rec 'oops %s", NULL, NULL);
  ASSERT_EQ_INT(np_browser_registry_discover(reg, &err), NP_EBROWSER_COMMAND);
  np_browser_registry_free(reg);
  np_error_clear(&err);
  assert_no_children();
  remove_dir();
}

/* ---- allocation failures ---- */

static long alloc_budget = -1;
static void *fail_malloc(size_t n) {
  if (alloc_budget == 0)
    return NULL;
  if (alloc_budget > 0)
    alloc_budget--;
  return malloc(n);
}
static void *fail_realloc(void *p, size_t n) {
  if (alloc_budget == 0)
    return NULL;
  if (alloc_budget > 0)
    alloc_budget--;
  return realloc(p, n);
}

TEST(allocation_failures_are_reported) {
  fresh_dir();
  all_stand_ins();
  stand_in("rec", NULL);
  np_set_allocator(fail_malloc, fail_realloc, free);
  int ok = 0;
  for (long budget = 0; budget < 5000 && !ok; budget++) {
    alloc_budget = budget;
    np_browser_registry *reg = NULL;
    np_error err = NP_ERROR_INIT;
    int rc = np_browser_registry_new(&reg, env_of("DISPLAY=:0", "TERM=x",
                                                  "BROWSER=rec %s:firefox"),
                                     &err);
    if (rc == NP_OK)
      rc = np_browser_registry_discover(reg, &err);
    if (rc == NP_OK)
      rc = np_browser_registry_open(reg, "u", 1, 0, 1, &err);
    ASSERT(rc == NP_OK || rc == NP_ENOMEM);
    ok = rc == NP_OK;
    np_browser_registry_free(reg);
    np_error_clear(&err);
  }
  alloc_budget = -1;
  np_set_allocator(NULL, NULL, NULL);
  ASSERT(ok);
  remove_dir();
}
