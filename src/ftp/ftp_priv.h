/* The np_ftp object, shared by ftp.c and transfer.c (private). */
#ifndef NP_FTP_PRIV_H
#define NP_FTP_PRIV_H

#include "ftp/ftp_internal.h"

#define NP__FTP_HOSTMAX 256 /* a host name or numeric address */

struct np_ftp {
  np_ftp_options o;      /* copied, strings owned */
  np__tls_ctx *tls;      /* FTP_TLS only */
  np__stream ctl;        /* the control connection */
  np__ftp_lines lines;   /* its reader */
  char host[NP__FTP_HOSTMAX]; /* as given to connect: TLS name of the server */
  char peer_host[NP__FTP_HOSTMAX];  /* numeric: passive data connections */
  char local_host[NP__FTP_HOSTMAX]; /* numeric: active mode listens here */
  int af;                /* AF_INET: PASV/PORT; AF_INET6: EPSV/EPRT */
  int passive;
  int prot_p;            /* data connections use TLS */
  int code;              /* of the last reply, 0 when not 3 digits */
  np_buf reply;          /* the last reply, lines joined by '\n' */
  np_buf welcome;
  np_buf cmd;            /* the command line being sent */
  np_buf verb;           /* "VERB arg" of the helpers (max_line bound) */
};

struct np_ftp_data {
  np__stream s;
  np_ftp *f;
  int resumed;
};

/* The last reply as a failure with status. */
int np__ftp_fail(np_ftp *f, int status, np_error *err);
/* "VERB arg" (arg may be NULL) in f->verb, which nothing else writes;
 * NULL when it does not fit. */
const char *np__ftp_cmd2(np_ftp *f, const char *verb, const char *arg);
/* Send "VERB arg": voidcmd when void_, else sendcmd. */
int np__ftp_send2(np_ftp *f, const char *verb, const char *arg, int void_,
                  np_error *err);

#endif /* NP_FTP_PRIV_H */
