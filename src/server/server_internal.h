/*
 * Internals of the socketserver module shared by its files and by the HTTP
 * server (not installed).
 */
#ifndef NP_SERVER_INTERNAL_H
#define NP_SERVER_INTERNAL_H

#include "core/net.h"
#include "netproto/socketserver.h"

#include <pthread.h>
#include <stdatomic.h>
#include <sys/types.h>

struct np_server {
  np_server_options o;
  char *host;  /* owned copies of o.host / o.path */
  char *path;
  np_server_handler h;
  int fd;      /* listening / datagram socket, -1 when closed */
  int bound, activated;
  np__addr addr;
  int wake[2]; /* self-pipe: shutdown_request writes, serve_forever polls */
  atomic_int shutdown_req;
  pthread_mutex_t mu; /* guards serving, threads, and the cond */
  pthread_cond_t cv;
  int serving;
  int threads_all;    /* request threads alive */
  int threads_joined; /* of those, the non-daemon ones */
  pid_t *children;    /* FORKING: live child processes */
  int nchildren;
  atomic_ulong done;
};

/* One request's I/O state (np_server_request.priv). */
typedef struct np__req_io {
  np_buf rbuf;   /* stream: bytes read but not yet consumed */
  size_t rpos;
  int eof;
  int dgram;
  np_buf reply;  /* datagram: the wfile, sent after finish */
  np__addr peer;
  char *packet;  /* datagram: owned copy of the bytes */
} np__req_io;

/* Run setup/handle/finish on a prepared request, then close a stream's
 * socket or send a datagram's reply.  Counts the request as done. */
void np__server_process(np_server *s, np_server_request *req);

/* Release what np__server_process's request owns (not the request). */
void np__server_req_release(np_server_request *req);

/* Fill req's client_host/client_port from a peer address. */
void np__server_peer_name(const np__addr *peer, char *host, size_t cap,
                          int *port);

#endif /* NP_SERVER_INTERNAL_H */
