"""Headless Chromium (Debian's package) through Playwright: the PDF and the browser tests.

Playwright's own browser download does not work offline, so it drives the system Chromium
(the setting ``chromium``, ``SUNDHEDSDATA_CHROMIUM``; else ``chromium`` on PATH). Every
request that is not a local file is aborted: the report must render without a network, and
this proves it does.
"""

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_executable(configured: str | None = None) -> str:
    found = configured or next(
        (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p),
        None,
    )
    if not found or not Path(found).exists():
        raise FileNotFoundError(
            "Chromium is needed for the status report's PDF: install Debian's chromium package "
            "(scripts/ci-services does) or set SUNDHEDSDATA_CHROMIUM to its path"
        )
    return found


@contextmanager
def offline_page(
    blocked: list[str] | None = None, chromium: str | None = None, served_from: str | None = None
) -> Iterator:
    """A Chromium page that may load local files only; refused URLs are appended to ``blocked``.

    ``served_from`` (an origin such as ``http://127.0.0.1:8000``) is allowed as well: a folder
    served by a web server on this machine, with every other address still refused."""
    from playwright.sync_api import sync_playwright

    refused = blocked if blocked is not None else []
    allowed = ("file:", "data:", "about:")
    if served_from:
        allowed += (served_from.rstrip("/") + "/",)

    def only_local_files(route) -> None:
        if route.request.url.startswith(allowed):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable(chromium), args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.route("**/*", only_local_files)
            yield page
        finally:
            browser.close()


def print_pdfs(pages: list[tuple[Path, Path]], chromium: str | None = None) -> None:
    """Print each (html, pdf) pair in one browser: the page sizes, the landscape overview and the
    footer with page numbers come from the reports' own print CSS (``@page``)."""
    with offline_page(chromium=chromium) as page:
        for html, pdf in pages:
            page.goto(html.resolve().as_uri(), wait_until="load")
            page.pdf(
                path=str(pdf),
                format="A4",
                prefer_css_page_size=True,
                print_background=True,
                outline=True,
                tagged=True,
            )
