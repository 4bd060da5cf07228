"""Take screenshots of pages as a given user, for looking at them (not a test).

Usage: python scripts/screenshots.py BASE_URL USERNAME PASSWORD OUT_DIR PATH [PATH ...]
Drives Debian's /usr/bin/chromium through Playwright.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def main(base, username, password, out_dir, *paths):
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.on(
            "console",
            lambda m: print(f"console[{m.type}]: {m.text}") if m.type == "error" else None,
        )
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        for path in paths:
            response = page.goto(f"{base}{path}")
            page.wait_for_load_state("networkidle")
            name = f"{username}_{path.strip('/').replace('/', '_').replace('?', '_') or 'home'}.png"
            page.screenshot(path=str(out / name), full_page=True)
            print(response.status if response else "-", path, "->", out / name)
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
