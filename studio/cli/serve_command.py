"""`studio serve`: the prediction endpoint (FastAPI on uvicorn) for every registered model."""

from __future__ import annotations

import argparse
import sys

from studio.access import require
from studio.cli.output import command
from studio.context import Studio
from studio.errors import InvalidInputError
from studio.i18n import _

APP = "studio.serving.app:create_app"


def _serve(studio: Studio, args: argparse.Namespace) -> int:
    import uvicorn

    if args.workers < 1:
        raise InvalidInputError(_("--workers must be 1 or more."))
    require(studio.settings, studio.settings.user, "score")  # refused here, not per request
    sentence = _(
        "Serving every registered model on {url} as {user} (API docs at /docs); Ctrl-C stops."
    ).format(url=f"http://{args.host}:{args.port}", user=studio.settings.user)
    print(sentence, file=sys.stderr)
    uvicorn.run(
        APP, factory=True, host=args.host, port=args.port, workers=args.workers,
        log_level="warning", access_log=False,
    )  # fmt: skip
    return 0


def register(nouns: argparse._SubParsersAction) -> None:
    """Declare ``studio serve``."""
    serve = command(nouns, "serve", _serve, _("serve registered models over HTTP (JSON)"))
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--host", default="127.0.0.1",
        help=_("address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 opens it "
               "to the network, so put it behind your gateway first)"),
    )  # fmt: skip
    serve.add_argument("--workers", type=int, default=1, help=_("server processes (default 1)"))
