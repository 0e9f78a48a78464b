"""One module per `zhenwei` sub-command; each exposes a click command named `command`."""
