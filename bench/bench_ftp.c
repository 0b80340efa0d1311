/*
 * bench_ftp: a 1 GiB download and upload over loopback FTP with the
 * netproto client, curl (ftp://, -o /dev/null and -T) and CPython's ftplib
 * (retrbinary/storbinary with a 256 KiB blocksize), all against the same
 * vsftpd started here (anonymous, passive mode, sendfile on downloads).
 * Each client runs in a child process of its own, so its time and peak
 * memory (ru_maxrss from wait4) are measured the same way: wall time of
 * the whole child (connect, login, transfer, quit), MB/s = size / time.
 *
 *   bench_ftp [--source DIR] [--runs K] [--quick] [--no-python] [--mib N]
 * --quick moves 128 MiB (unless --mib says otherwise); the default is
 * 1024 MiB.  netproto's client runs as this program re-executed with
 * --child-get/--child-put, so every client is timed by npb_run_timed.  Needs vsftpd, curl and
 * python3 (scripts/deps.txt); a missing peer prints n/a.  The file served
 * is sparse and uploads land in a temporary folder, so the disk is not the
 * bottleneck.  Nothing here fails on speed.
 */
#define _GNU_SOURCE
#include "harness.h"

#include "netproto/ftp.h"

#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLOCK (256 * 1024)

static char tmp[256], big[300], conf[300], self[4096];
static int port;
static long long size_bytes;
static pid_t server = -1;

static const char *find_vsftpd(void) {
  static const char *paths[] = {"/usr/sbin/vsftpd", "/usr/local/sbin/vsftpd"};
  for (size_t i = 0; i < 2; i++)
    if (access(paths[i], X_OK) == 0)
      return paths[i];
  return NULL;
}

/* The served folder, the sparse file and vsftpd's configuration. */
static int setup(void) {
  snprintf(tmp, sizeof tmp, "/tmp/npb-ftp-XXXXXX");
  if (!mkdtemp(tmp))
    return -1;
  chmod(tmp, 0755);
  char p[400];
  snprintf(p, sizeof p, "%s/home", tmp);
  mkdir(p, 0755);
  snprintf(p, sizeof p, "%s/home/pub", tmp);
  mkdir(p, 0755);
  struct passwd *pw = getpwnam("ftp");
  if (pw && chown(p, pw->pw_uid, pw->pw_gid) != 0)
    return -1;
  snprintf(p, sizeof p, "%s/empty", tmp);
  mkdir(p, 0755);
  snprintf(big, sizeof big, "%s/home/big.bin", tmp);
  int fd = open(big, O_CREAT | O_WRONLY | O_TRUNC, 0644);
  if (fd < 0 || ftruncate(fd, size_bytes) != 0)
    return -1;
  close(fd);
  port = npb_free_port();
  if (port < 0)
    return -1;
  snprintf(conf, sizeof conf, "%s/vsftpd.conf", tmp);
  FILE *c = fopen(conf, "w");
  if (!c)
    return -1;
  fprintf(c,
          "listen=YES\nlisten_ipv6=NO\nlisten_address=127.0.0.1\n"
          "listen_port=%d\nbackground=NO\nanonymous_enable=YES\n"
          "no_anon_password=YES\nanon_root=%s/home\nlocal_enable=NO\n"
          "write_enable=YES\nanon_upload_enable=YES\n"
          "anon_other_write_enable=YES\nanon_umask=022\npasv_enable=YES\n"
          "pasv_address=127.0.0.1\nseccomp_sandbox=NO\n"
          "secure_chroot_dir=%s/empty\nxferlog_enable=NO\n"
          "ftp_username=ftp\n",
          port, tmp, tmp);
  fclose(c);
  return 0;
}

static int start_server(void) {
  const char *vs = find_vsftpd();
  if (!vs)
    return -1;
  char *argv[] = {(char *)vs, conf, NULL};
  server = npb_spawn(argv, NULL);
  return server > 0 && npb_wait_port(port, 5000) == 0 ? 0 : -1;
}

static void stop_server(void) {
  npb_stop(server);
  npb_remove_dir("bench_ftp", tmp);
}

/* ---- the netproto client, run in a child ---- */

static long long got_bytes;
static int count(void *ctx, const char *d, size_t n) {
  got_bytes += (long long)n;
  return 0;
}

static long from_fd(void *ctx, char *buf, size_t cap) {
  ssize_t n = read(*(int *)ctx, buf, cap);
  return n < 0 ? NP_ESYS : (long)n;
}

static int netproto_child(int upload) {
  np_ftp *f = NULL;
  np_error e = NP_ERROR_INIT;
  int rc = np_ftp_new(&f, NULL, &e);
  if (!rc)
    rc = np_ftp_connect(f, "127.0.0.1", port, &e);
  if (!rc)
    rc = np_ftp_login(f, NULL, NULL, NULL, &e);
  if (!rc && !upload) {
    rc = np_ftp_retrbinary(f, "RETR big.bin", count, NULL, BLOCK, -1, &e);
    if (!rc && got_bytes != size_bytes)
      rc = NP_EOF;
  } else if (!rc) {
    int fd = open(big, O_RDONLY);
    rc = np_ftp_storbinary(f, "STOR pub/up.bin", from_fd, &fd, BLOCK, NULL,
                           NULL, -1, &e);
    close(fd);
  }
  if (!rc)
    rc = np_ftp_quit(f, &e);
  if (rc)
    fprintf(stderr, "netproto: %s %s\n", np_status_name(rc), e.message);
  np_ftp_free(f);
  return rc ? 1 : 0;
}

/* Run one client as a program; its wall time (s) and peak RSS (KiB). */
static int run_child(const char *who, int upload, double *secs, long *rss) {
  char url[200], py[900], pstr[16], sstr[32];
  snprintf(url, sizeof url, "ftp://127.0.0.1:%d/%s", port,
           upload ? "pub/up.bin" : "big.bin");
  snprintf(pstr, sizeof pstr, "%d", port);
  snprintf(sstr, sizeof sstr, "%lld", size_bytes);
  snprintf(py, sizeof py,
           "import ftplib\n"
           "f = ftplib.FTP()\nf.connect('127.0.0.1', %d)\nf.login()\n"
           "n = [0]\n"
           "def cb(b): n[0] += len(b)\n"
           "if %d:\n"
           "    with open('%s', 'rb') as fp:\n"
           "        f.storbinary('STOR pub/up.bin', fp, blocksize=%d)\n"
           "else:\n"
           "    f.retrbinary('RETR big.bin', cb, blocksize=%d)\n"
           "    assert n[0] == %lld\n"
           "f.quit()\n",
           port, upload, big, BLOCK, BLOCK, size_bytes);
  char *np_argv[] = {self, upload ? "--child-put" : "--child-get", pstr, big,
                     sstr, NULL};
  char *curl_put[] = {"curl", "-s", "-S", "-T", big, url, NULL};
  char *curl_get[] = {"curl", "-s", "-S", "-o", "/dev/null", url, NULL};
  char *python[] = {"python3", "-c", py, NULL};
  char **argv = !strcmp(who, "netproto") ? np_argv
                : !strcmp(who, "curl")   ? (upload ? curl_put : curl_get)
                                         : python;
  double ns;
  if (npb_run_timed(argv, &ns, rss) != 0)
    return -1;
  *secs = ns / 1e9;
  return 0;
}

#define MAX_RUNS 16

static void measure(const char *who, int upload, int runs) {
  double t[MAX_RUNS];
  long peak = 0;
  int ok = 0;
  for (int r = 0; r < runs; r++) {
    double s;
    long rss;
    if (upload) { /* each upload starts from nothing */
      char up[400];
      snprintf(up, sizeof up, "%s/home/pub/up.bin", tmp);
      unlink(up);
    }
    if (run_child(who, upload, &s, &rss) != 0)
      break;
    t[ok++] = s;
    peak = rss > peak ? rss : peak;
  }
  char note[96];
  if (ok < runs) {
    snprintf(note, sizeof note, "failed or not installed");
    npb_table_row(who, -1, -1, note);
    return;
  }
  double best = npb_min(t, ok), med = npb_median(t, ok);
  snprintf(note, sizeof note, "median %.2f s, peak RSS %ld KiB", med, peak);
  npb_table_row(who, (double)size_bytes / med / 1e6,
                (double)size_bytes / best / 1e6, note);
}

/* The re-executed netproto client: --child-get|--child-put PORT FILE SIZE. */
static int child_main(char **argv) {
  long p, sz;
  if (npb_parse_count(argv[2], 1, 65535, &p) != 0 ||
      npb_parse_count(argv[4], 0, LONG_MAX, &sz) != 0)
    return 2;
  port = (int)p;
  size_bytes = sz;
  snprintf(big, sizeof big, "%s", argv[3]);
  return netproto_child(!strcmp(argv[1], "--child-put"));
}

static int own_option(void *ctx, int argc, char **argv, int i) {
  if (strcmp(argv[i], "--mib") != 0)
    return 0;
  if (i + 1 >= argc || npb_parse_count(argv[i + 1], 1, 1L << 20, ctx) != 0)
    return -1;
  return 2;
}

int main(int argc, char **argv) {
  if (argc == 5 && (!strcmp(argv[1], "--child-get") ||
                    !strcmp(argv[1], "--child-put")))
    return child_main(argv);
  npb_options opt;
  long mib = 0;
  npb_options_init(&opt, "bench_ftp", 3);
  if (npb_parse_options(&opt, argc, argv, "[--mib N]", own_option, &mib))
    return 2;
  if (mib == 0)
    mib = opt.quick ? 128 : 1024;
  int runs = opt.runs > MAX_RUNS ? MAX_RUNS : opt.runs;
  size_bytes = (long long)mib << 20;
  ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
  self[sl > 0 ? sl : 0] = '\0';
  npb_print_machine();
  if (setup() != 0 || start_server() != 0) {
    printf("bench_ftp: vsftpd did not start (is it installed?)\n");
    stop_server();
    return 0;
  }
  static const char *who[] = {"netproto", "curl", "python3 ftplib"};
  for (int upload = 0; upload <= 1; upload++) {
    char title[128];
    snprintf(title, sizeof title,
             "FTP %s of %ld MiB over loopback from vsftpd (%d run%s)",
             upload ? "upload (STOR)" : "download (RETR)", mib, runs,
             runs > 1 ? "s" : "");
    npb_table_begin(title, NPB_MBPS);
    for (size_t i = 0; i < 3; i++) {
      if (i == 2 && !opt.python)
        npb_table_row(who[i], -1, -1, "skipped (--no-python)");
      else
        measure(who[i], upload, runs);
    }
    npb_table_end();
  }
  stop_server();
  return 0;
}
