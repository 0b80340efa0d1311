/*
 * bench_ftp: a 1 GiB download and upload over loopback FTP with the
 * netproto client, curl (ftp://, -o /dev/null and -T) and CPython's ftplib
 * (retrbinary/storbinary with a 256 KiB blocksize), all against the same
 * vsftpd started here (anonymous, passive mode, sendfile on downloads).
 * Each client runs in a child process of its own, so its time and peak
 * memory (ru_maxrss from wait4) are measured the same way: wall time of
 * the whole child (connect, login, transfer, quit), MB/s = size / time.
 *
 *   bench_ftp [--quick] [--runs K] [--mib N]
 * --quick moves 128 MiB; the default is 1024 MiB.  Needs vsftpd, curl and
 * python3 (scripts/deps.txt); a missing peer prints n/a.  The file served
 * is sparse and uploads land in a temporary folder, so the disk is not the
 * bottleneck.  Nothing here fails on speed.
 */
#define _GNU_SOURCE
#include "harness.h"

#include "netproto/ftp.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BLOCK (256 * 1024)

static char tmp[256], big[300], conf[300];
static int port;
static long long size_bytes;
static pid_t server = -1;

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static int free_port(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t l = sizeof a;
  bind(fd, (struct sockaddr *)&a, sizeof a);
  getsockname(fd, (struct sockaddr *)&a, &l);
  close(fd);
  return ntohs(a.sin_port);
}

static int can_connect(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((uint16_t)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
  close(fd);
  return ok;
}

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
  port = free_port();
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
  server = fork();
  if (server == 0) {
    setsid(); /* its own group: the per-session children go with it */
    execl(vs, vs, conf, (char *)NULL);
    _exit(127);
  }
  for (int i = 0; i < 100 && !can_connect(); i++)
    sleep_ms(50);
  return can_connect() ? 0 : -1;
}

static void stop_server(void) {
  if (server > 0) {
    kill(-server, SIGKILL);
    waitpid(server, NULL, 0);
  }
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
  if (tmp[0] && system(cmd) != 0)
    fprintf(stderr, "bench_ftp: could not remove %s\n", tmp);
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

/* Run one client in a child; its wall time (s) and peak RSS (KiB). */
static int run_child(const char *who, int upload, double *secs, long *rss) {
  char url[200], py[900];
  snprintf(url, sizeof url, "ftp://127.0.0.1:%d/%s", port,
           upload ? "pub/up.bin" : "big.bin");
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
  uint64_t t0 = npb_now_ns();
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    if (!strcmp(who, "netproto"))
      _exit(netproto_child(upload));
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    if (!strcmp(who, "curl")) {
      if (upload)
        execlp("curl", "curl", "-s", "-S", "-T", big, url, (char *)NULL);
      else
        execlp("curl", "curl", "-s", "-S", "-o", "/dev/null", url,
               (char *)NULL);
    } else {
      execlp("python3", "python3", "-c", py, (char *)NULL);
    }
    _exit(127);
  }
  int status = 0;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) < 0)
    return -1;
  *secs = (double)(npb_now_ns() - t0) / 1e9;
  *rss = ru.ru_maxrss;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void measure(const char *who, int upload, int runs) {
  double t[16], best = -1;
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
  qsort(t, (size_t)ok, sizeof t[0], cmp_double);
  best = t[0];
  double med = t[ok / 2];
  snprintf(note, sizeof note, "median %.2f s, peak RSS %ld KiB", med, peak);
  npb_table_row(who, (double)size_bytes / med / 1e6,
                (double)size_bytes / best / 1e6, note);
}

int main(int argc, char **argv) {
  int runs = 3;
  long long mib = 1024;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--quick"))
      mib = 128, runs = 1;
    else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
      runs = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--mib") && i + 1 < argc)
      mib = atoll(argv[++i]);
  }
  if (runs < 1 || runs > 16)
    runs = 3;
  size_bytes = mib << 20;
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
             "FTP %s of %lld MiB over loopback from vsftpd (%d run%s)",
             upload ? "upload (STOR)" : "download (RETR)", mib, runs,
             runs > 1 ? "s" : "");
    npb_table_begin(title, NPB_MBPS);
    for (size_t i = 0; i < 3; i++)
      measure(who[i], upload, runs);
    npb_table_end();
  }
  stop_server();
  return 0;
}
