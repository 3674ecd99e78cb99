"""An error costs no more than its answer. Datasette 0.65's own error handler,
whenever rich is installed (frictionless, a test and release dependency,
brings it), renders every error's traceback with its local variables, on the
event loop's thread: 30-60 ms an error on this machine, during which no page
is answered. Forty-eight refused queries at once stopped every page for
6.5 s. The handler is told that rich is absent: its answers are unchanged,
and a 500's traceback is still logged, as plain text."""

import datasette.handle_exception as datasette_error_handler

datasette_error_handler.rich = None
