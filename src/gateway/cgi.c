/* BaseCGIHandler, CGIHandler, IISCGIHandler and read_environ: the same
 * application run as a CGI program (RFC 3875) over given descriptors. */
#include "gateway/gw_internal.h"

#include <stdio.h>
#include <string.h>

extern char **environ;

int np_gw_read_environ(np_gw_environ *env) {
  /* On POSIX Python keeps the bytes (surrogateescape round trip), so the
   * values go in unchanged. */
  for (char **p = environ; p && *p; p++) {
    const char *eq = strchr(*p, '=');
    if (!eq || eq == *p)
      continue;
    char name[256];
    size_t n = (size_t)(eq - *p);
    if (n >= sizeof name)
      continue;
    memcpy(name, *p, n);
    name[n] = '\0';
    int rc = np_gw_environ_set_cstr(env, name, eq + 1);
    if (rc < 0)
      return rc;
  }
  return NP_OK;
}

/* IISCGIHandler: IIS puts SCRIPT_NAME in front of PATH_INFO. */
static int iis_fix(np_gw_environ *env) {
  np_slice path = np_gw_environ_get(env, "PATH_INFO");
  np_slice script = np_gw_environ_get(env, "SCRIPT_NAME");
  if (!path.ptr || !script.len || path.len < script.len ||
      memcmp(path.ptr, script.ptr, script.len) != 0)
    return NP_OK;
  return np_gw_environ_set(env, "PATH_INFO", path.ptr + script.len,
                           path.len - script.len);
}

int np_gw_cgi_run(np_gw_app app, np_gw_environ *env, int in_fd, int out_fd,
                  int err_fd, bool iis) {
  np_gw_handler_options o;
  np_gw_cgi_options_init(&o);
  int rc = iis ? iis_fix(env) : NP_OK;
  if (rc < 0)
    return rc;
  uint64_t length = 0;
  np_slice cl = np_gw_environ_get(env, "CONTENT_LENGTH");
  if (cl.len && np__parse_uint(cl.ptr, cl.len, INT64_MAX, &length) < 0)
    length = 0; /* a CGI host that sends junk: read no body */
  np_gw_input in;
  rc = np_gw_input_fd(&in, in_fd, NULL, 0, length, false, NULL, NULL);
  if (rc < 0)
    return rc;
  FILE *ef = fdopen(err_fd, "w");
  np_gw_errors errs;
  np_gw_errors_file(&errs, ef ? ef : stderr);
  np_gw_environ_set_input(env, &in);
  np_gw_environ_set_errors(env, &errs);
  np_gw_output out;
  np_gw_output_fd(&out, out_fd);
  rc = np_gw_handler_run(&o, app, env, &out, NULL);
  np_gw_output_close(&out);
  np_gw_input_close(&in);
  if (ef)
    fflush(ef); /* not fclose: the descriptor stays the caller's */
  return rc;
}

int np_gw_cgi_main(np_gw_app app) {
  np_gw_environ *env;
  int rc = np_gw_environ_new(&env);
  if (rc < 0)
    return rc;
  rc = np_gw_read_environ(env);
  if (rc == NP_OK)
    rc = np_gw_cgi_run(app, env, 0, 1, 2, false);
  np_gw_environ_free(env);
  return rc;
}
