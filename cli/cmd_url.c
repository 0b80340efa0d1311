/* netproto url: placeholder until the urllib.parse command lands. */
#include "cli.h"

int np_cmd_url(int argc, char **argv) {
  (void)argc;
  (void)argv;
  return np_cli_usage_error("url", "not built yet");
}
