"""The README's screenshot of the board, taken the way a user sees it.

    .venv/bin/python -m tests.browser.screenshot docs/board.png

Runs ``roadlog serve`` on a fresh embedded data directory, imports the browser tests'
seed roadmap with ``roadlog import csv``, signs in with the first admin token in
Debian's headless Chromium and saves the page.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import ViewportSize, sync_playwright

from tests.browser.conftest import INSTALL_HINT, SHEET, chromium
from tests.support.process import roadlog, serving

VIEWPORT = ViewportSize(width=1440, height=900)
"""A laptop screen shared in a meeting."""


def take(path: Path) -> None:
    executable = chromium()
    if executable is None:
        sys.exit(INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="roadlog-screenshot-") as folder:
        data = Path(folder) / "data"
        with serving("--data-dir", str(data)) as served:
            sheet = Path(folder) / "platform.csv"
            sheet.write_text(SHEET, encoding="utf-8")
            args = ["import", "csv", str(sheet), "--roadmap", "Platform", "--data-dir", str(data)]
            imported = roadlog(*args)
            if imported.returncode != 0:
                sys.exit(imported.stderr)
            secret = (data / "admin-token").read_text().strip()
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=executable)
                page = browser.new_page(viewport=VIEWPORT)
                page.goto(f"{served.url}/")
                page.get_by_label("API token").fill(secret)
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_url(f"{served.url}/roadmaps/*")
                page.screenshot(path=str(path), full_page=True)
                browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path, help="where to save the PNG")
    take(parser.parse_args().path)


if __name__ == "__main__":
    main()
