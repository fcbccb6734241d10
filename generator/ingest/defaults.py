"""Defaults shared by the fetching commands, in a module of their own so that the CLI can show them
without importing the HTTP client (every `digest build` builds the argument parser)."""

# Four pages at once: the machine this runs on (a laptop, a CI runner with 2-4 cores) extracts
# about as fast as four servers answer, and four hosts at once is no burden on any of them.
WORKERS = 4
# Between two requests to one host when a batch holds several of its pages (imports, long lists).
ADD_DELAY = 1.0
