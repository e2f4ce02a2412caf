"""Debian's Chromium driven through Playwright, for the report pages' browser tests.

Chromium's own background traffic is switched off: the only requests left are the page's, so a
test can assert that a page fetches nothing from anywhere.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-default-apps"]


def open_page(browser: Browser, path: Path) -> tuple[Page, dict[str, list[str]]]:
    """Open a page, recording console errors, dialogs and every request it makes."""
    page = browser.new_page()
    seen: dict[str, list[str]] = {"errors": [], "requests": [], "dialogs": []}

    def dialog(prompt: Any) -> None:
        seen["dialogs"].append(prompt.message)
        prompt.dismiss()

    page.on("console", lambda message: seen["errors"].append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    page.on("request", lambda request: seen["requests"].append(request.url))
    page.on("dialog", dialog)
    page.goto(path.as_uri(), wait_until="load")
    return page, seen
