"""`studio app`: start the Streamlit app, from the installed package or from a checkout."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from studio.cli.output import command
from studio.context import Studio
from studio.errors import UserError
from studio.i18n import _
from studio.identity import setup_problem

PACKAGE = Path(__file__).resolve().parents[1]
# A wheel carries the app inside the package (setup.py copies it to studio/_app/); a checkout,
# which an editable install runs from, has it at the top of the repository.
INSTALLED_APP = PACKAGE / "_app" / "app.py"
CHECKOUT_APP = PACKAGE.parent / "app.py"


def find_app() -> Path:
    """The app's entry point: the installed copy first, else the checkout's ``app.py``."""
    for script in (INSTALLED_APP, CHECKOUT_APP):
        if script.is_file() and (script.parent / "pages").is_dir():
            return script
    raise UserError(
        _(
            "Studio's app files are missing: neither {installed} (an installed package) nor "
            "{checkout} with pages/ beside it (a checkout) exists; reinstall Studio with "
            "`pip install .`."
        ).format(installed=INSTALLED_APP, checkout=CHECKOUT_APP)
    )


def _app(studio: Studio, args: argparse.Namespace) -> int:
    script = find_app()
    problem = setup_problem(studio.settings)
    if problem:
        print(f"warning: {problem}", file=sys.stderr)
    command_line = [
        sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(args.port),
        "--server.address", args.host,
    ]  # fmt: skip
    # The working directory stays the caller's, so relative settings (the default
    # STUDIO_HOME=./.studio) mean what they mean for every other command. Streamlit reads the
    # app's settings from the .streamlit/config.toml beside the script (its script-level config).
    return subprocess.call(command_line)


def register(nouns: argparse._SubParsersAction) -> None:
    """Declare ``studio app``."""
    app = command(nouns, "app", _app, _("start the Streamlit app"))
    app.add_argument("--port", type=int, default=8501)
    app.add_argument(
        "--host", default="127.0.0.1",
        help=_("address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 opens it "
               "to the network, so set up roles and a proxy first)"),
    )  # fmt: skip
