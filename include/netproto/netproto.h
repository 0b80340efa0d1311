/*
 * netproto/netproto.h - the umbrella header: include this one to get every
 * module of libnetproto.  Each module also has a header of its own.
 */
#ifndef NETPROTO_NETPROTO_H
#define NETPROTO_NETPROTO_H

#include "netproto/core.h"
#include "netproto/http.h"
#include "netproto/http_client.h"
#include "netproto/request.h"
#include "netproto/robots.h"
#include "netproto/url.h"
#include "netproto/cookiejar.h"
#include "netproto/cookies.h"
#include "netproto/ftp.h"
#include "netproto/socketserver.h"
#include "netproto/http_server.h"
#include "netproto/webbrowser.h"
#include "netproto/gateway.h"

#endif /* NETPROTO_NETPROTO_H */
