/* ftplib's reply parsers and the reply reader, checked against what
 * CPython 3.11's ftplib gives for the same bytes. */
#include "ftp/ftp_internal.h"
#include "test.h"

#include <sys/socket.h>
#include <unistd.h>

#define S(lit) lit, sizeof(lit) - 1

TEST(parse150_takes_last_clause_of_first_line) {
  ASSERT_EQ_INT(np_ftp_parse150(S("150 Opening BINARY mode data connection "
                                  "for a (12 bytes) (34 bytes).")), 34);
  ASSERT_EQ_INT(np_ftp_parse150(S("150 x (5 BYTES)\n150 y (7 bytes)")), 5);
  ASSERT_EQ_INT(np_ftp_parse150(S("150 here")), -1);
  ASSERT_EQ_INT(np_ftp_parse150(S("150 (5 bytes)")), -1);
  ASSERT_EQ_INT(np_ftp_parse150(S("125 x (5 bytes)")), -1);
  ASSERT_EQ_INT(np_ftp_parse150(S("150 x (99999999999999999999999 bytes)")), -1);
}

TEST(parse227_finds_six_numbers) {
  char h[16];
  int port = 0;
  ASSERT_OK(np_ftp_parse227(S("227 Entering Passive Mode (127,0,0,1,200,10)."),
                            h, &port));
  ASSERT_EQ_MEM(h, strlen(h), "127.0.0.1");
  ASSERT_EQ_INT(port, 51210);
  ASSERT_OK(np_ftp_parse227(S("227 =1,2,3,4,5,6"), h, &port));
  ASSERT_EQ_MEM(h, strlen(h), "1.2.3.4");
  ASSERT_EQ_INT(port, 1286);
  ASSERT_EQ_INT(np_ftp_parse227(S("200 (1,2,3,4,5,6)"), h, &port), NP_EFTP_REPLY);
  ASSERT_EQ_INT(np_ftp_parse227(S("227 (1,2,3,4,5)"), h, &port), NP_EFTP_PROTO);
  ASSERT_EQ_INT(np_ftp_parse227(S("227 (1,2,3,4,5,999)"), h, &port), NP_EFTP_PROTO);
}

TEST(parse229_port_between_delimiters) {
  int port = 0;
  ASSERT_OK(np_ftp_parse229(S("229 Extended Passive Mode Entered (|||6446|)"),
                            &port));
  ASSERT_EQ_INT(port, 6446);
  ASSERT_OK(np_ftp_parse229(S("229 (!!!21!)"), &port));
  ASSERT_EQ_INT(port, 21);
  ASSERT_EQ_INT(np_ftp_parse229(S("229 (|||)"), &port), NP_EFTP_PROTO);
  ASSERT_EQ_INT(np_ftp_parse229(S("229 (!!!6446|)"), &port), NP_EFTP_PROTO);
  ASSERT_EQ_INT(np_ftp_parse229(S("229 (||||6446|)"), &port), NP_EFTP_PROTO);
  ASSERT_EQ_INT(np_ftp_parse229(S("229 no parens"), &port), NP_EFTP_PROTO);
  ASSERT_EQ_INT(np_ftp_parse229(S("229 (|||99999|)"), &port), NP_EFTP_PROTO);
  ASSERT_EQ_INT(np_ftp_parse229(S("227 (|||1|)"), &port), NP_EFTP_REPLY);
}

TEST(parse257_doubled_quotes) {
  np_buf b;
  np_buf_init(&b, 0);
  ASSERT_OK(np_ftp_parse257(S("257 \"/a \"\"q\"\" b\" created"), &b));
  ASSERT_EQ_MEM(b.data, b.len, "/a \"q\" b");
  np_buf_reset(&b);
  ASSERT_OK(np_ftp_parse257(S("257 /x"), &b));
  ASSERT_EQ_INT(b.len, 0);
  ASSERT_EQ_INT(np_ftp_parse257(S("250 \"/x\""), &b), NP_EFTP_REPLY);
  np_buf_free(&b);
}

TEST(mlsd_line_facts_lowercased_name_after_space) {
  char line[] = "Type=file;Size=12;Perm=r; my file.txt\r";
  np_ftp_entry e;
  np_ftp_parse_mlsd_line(line, strlen(line), &e);
  ASSERT_EQ_SLICE(e.name, "my file.txt");
  ASSERT_EQ_INT(e.nfacts, 3);
  ASSERT_EQ_SLICE(e.facts[0].name, "type");
  ASSERT_EQ_SLICE(np_ftp_entry_fact(&e, "size"), "12");
  ASSERT_EQ_SLICE(np_ftp_entry_fact(&e, "perm"), "r");
  ASSERT_ABSENT(np_ftp_entry_fact(&e, "modify"));
  /* Python: {'': ''} and name '' for a line without a space. */
  char bare[] = "x";
  np_ftp_parse_mlsd_line(bare, 1, &e);
  ASSERT_EQ_INT(e.name.len, 0);
  ASSERT_EQ_INT(e.nfacts, 1);
  ASSERT_EQ_INT(e.facts[0].name.len, 0);
}

/* A client whose control connection is one end of a socketpair holding
 * `wire`; the other end is returned for closing. */
static np_ftp *client_on(const char *wire, size_t n, size_t max_line,
                         int *peer) {
  int sv[2];
  ASSERT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  ASSERT(write(sv[1], wire, n) == (ssize_t)n);
  shutdown(sv[1], SHUT_WR);
  np_ftp_options o = {.timeout_ms = 2000, .max_line = max_line};
  np_ftp *f = NULL;
  ASSERT_OK(np_ftp_new(&f, &o, NULL));
  ASSERT_OK(np__ftp_attach_fd(f, sv[0], NULL));
  *peer = sv[1];
  return f;
}

TEST(reply_multiline_and_classes) {
  int peer;
  const char wire[] = "220-a\r\n220 inside? no: 220x ends\r\n"
                      "331 need pass\n"
                      "450 busy\r\n"
                      "550 no\r\n"
                      "600 odd\r\n"
                      "999";
  np_ftp *f = client_on(wire, sizeof wire - 1, 0, &peer);
  np_error e = NP_ERROR_INIT;
  int code;
  ASSERT_OK(np__ftp_getresp(f, &e));
  ASSERT_EQ_MEM(np_ftp_last_reply(f, &code), strlen(np_ftp_last_reply(f, NULL)),
                "220-a\n220 inside? no: 220x ends");
  ASSERT_EQ_INT(code, 220);
  ASSERT_OK(np__ftp_getresp(f, &e));
  ASSERT_EQ_INT(np_ftp_voidresp(f, &e), NP_EFTP_TEMP);
  ASSERT_EQ_INT(e.value, 450);
  ASSERT_EQ_MEM(e.message, strlen(e.message), "450 busy");
  ASSERT_EQ_INT(np__ftp_getresp(f, &e), NP_EFTP_PERM);
  ASSERT_EQ_INT(np__ftp_getresp(f, &e), NP_EFTP_PROTO);
  ASSERT_EQ_INT(e.value, 600);
  /* The last line has no CRLF: read as it is, then the end. */
  ASSERT_EQ_INT(np__ftp_getresp(f, &e), NP_EFTP_PROTO);
  ASSERT_EQ_INT(np__ftp_getresp(f, &e), NP_EOF);
  np_error_clear(&e);
  np_ftp_free(f);
  close(peer);
}

TEST(reply_line_limit_is_max_line_with_its_end) {
  /* ftplib: readline(maxline + 1) longer than maxline fails, so a line
   * of exactly max_line bytes with its CRLF passes. */
  char wire[64];
  memset(wire, 'x', sizeof wire);
  memcpy(wire, "220 ", 4);
  memcpy(wire + 14, "\r\n", 2);       /* 16 bytes with CRLF */
  memcpy(wire + 16, "220 ", 4);
  memcpy(wire + 16 + 15, "\r\n", 2); /* 17 bytes with CRLF */
  int peer;
  np_ftp *f = client_on(wire, 33, 16, &peer);
  np_error e = NP_ERROR_INIT;
  ASSERT_OK(np__ftp_getresp(f, &e));
  ASSERT_EQ_INT(np__ftp_getresp(f, &e), NP_EFTP_LINE_TOO_LONG);
  np_ftp_free(f);
  close(peer);
}

TEST(newline_in_command_refused) {
  int peer;
  np_ftp *f = client_on("", 0, 0, &peer);
  np_error e = NP_ERROR_INIT;
  ASSERT_EQ_INT(np_ftp_sendcmd(f, "NOOP\r\nDELE x", &e), NP_EFTP_NEWLINE);
  ASSERT_EQ_INT(np_ftp_delete(f, "a\nb", &e), NP_EFTP_NEWLINE);
  char buf[16];
  ASSERT(recv(peer, buf, sizeof buf, MSG_DONTWAIT) < 0); /* nothing sent */
  np_ftp_free(f);
  close(peer);
}

TEST(status_names) {
  ASSERT(strcmp(np_status_name(NP_EFTP_PERM), "NP_EFTP_PERM") == 0);
  ASSERT(strcmp(np_status_name(NP_EFTP_NEWLINE), "NP_EFTP_NEWLINE") == 0);
}

TEST(tls_calls_on_a_plain_client_are_state_errors) {
  int peer;
  np_ftp *f = client_on("", 0, 0, &peer);
  np_error e = NP_ERROR_INIT;
  ASSERT_EQ_INT(np_ftp_prot_p(f, &e), NP_ESTATE);
  ASSERT_EQ_INT(np_ftp_auth(f, &e), NP_ESTATE);
  ASSERT_EQ_INT(np_ftp_ccc(f, &e), NP_ESTATE);
  np_ftp_free(f);
  close(peer);
}

TEST(calls_before_connect_are_state_errors) {
  np_ftp *f = NULL;
  np_error e = NP_ERROR_INIT;
  ASSERT_OK(np_ftp_new(&f, NULL, &e));
  ASSERT_EQ_INT(np_ftp_sendcmd(f, "NOOP", &e), NP_ESTATE);
  ASSERT_EQ_INT(np_ftp_voidresp(f, &e), NP_ESTATE);
  ASSERT_EQ_INT(np_ftp_abort(f, &e), NP_ESTATE);
  ASSERT(strcmp(np_ftp_getwelcome(f), "") == 0);
  np_ftp_free(f);
}
