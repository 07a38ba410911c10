"""The README's picture of the report: the demo's page in Debian's Chromium, offline.

    .venv/bin/jervis demo                                        # writes jervis-demo/report/
    .venv/bin/python scripts/report_screenshot.py jervis-demo/report/index.html docs/report-screenshot.png [WIDTH HEIGHT]
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def main(index: str, out: str, width: int = 1366, height: int = 1500) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
        page.goto(Path(index).resolve().as_uri())
        page.wait_for_selector("body[data-charts=ready]", state="attached", timeout=60_000)
        page.screenshot(path=out, clip={"x": 0, "y": 0, "width": width, "height": height})
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], *(int(v) for v in sys.argv[3:5]))
