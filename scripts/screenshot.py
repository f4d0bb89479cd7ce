"""Screenshot an Odoo page as a logged-in user, with headless Chromium (dev tool).

    .venv/bin/python scripts/screenshot.py URL OUT.png [--lang zh_CN] [--db partner_segment_demo]

Logs in through JSON-RPC, hands the session cookie to Chromium over the
DevTools protocol, waits for the page to settle and saves a PNG.
"""

import argparse
import base64
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request

import websocket


def login(base, db, user, password):
    request = urllib.request.Request(
        f"{base}/web/session/authenticate",
        data=json.dumps(
            {
                "jsonrpc": "2.0",
                "params": {"db": db, "login": user, "password": password},
            }
        ).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        cookie = response.headers["Set-Cookie"]
    return cookie.split("session_id=")[1].split(";")[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("out")
    parser.add_argument("--db", default="partner_segment_demo")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=1100)
    parser.add_argument("--wait", type=float, default=6)
    parser.add_argument("--click", help="CSS selector to click once the page is loaded")
    parser.add_argument(
        "--shots",
        type=int,
        default=1,
        help="screenshots of the same page, without reloading it: OUT_1.png, …",
    )
    parser.add_argument(
        "--interval", type=float, default=3, help="seconds between shots"
    )
    parser.add_argument(
        "--print", dest="expression", help="JavaScript expression printed at each shot"
    )
    args = parser.parse_args()
    base = args.url.split("/odoo")[0].split("/web")[0]
    session = login(base, args.db, args.user, args.password)
    profile = tempfile.mkdtemp()
    port = 9333
    chrome = subprocess.Popen(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            f"--remote-debugging-port={port}",
            f"--window-size={args.width},{args.height}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/json", timeout=2
                ) as r:
                    pages = [p for p in json.load(r) if p["type"] == "page"]
                if pages:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=60)
        counter = iter(range(1, 10**6))

        def call(method, **params):
            message_id = next(counter)
            ws.send(json.dumps({"id": message_id, "method": method, "params": params}))
            while True:
                message = json.loads(ws.recv())
                if message.get("id") == message_id:
                    return message.get("result", {})

        host = base.split("//")[1].split(":")[0]
        call("Network.enable")
        call(
            "Network.setCookie", name="session_id", value=session, domain=host, path="/"
        )
        call(
            "Emulation.setDeviceMetricsOverride",
            width=args.width,
            height=args.height,
            deviceScaleFactor=1,
            mobile=False,
        )
        call("Page.enable")
        call("Page.navigate", url=args.url)
        time.sleep(args.wait)
        if args.click:
            call(
                "Runtime.evaluate",
                expression=f"document.querySelector({json.dumps(args.click)}).click()",
            )
            time.sleep(2)
        for shot in range(1, args.shots + 1):
            if shot > 1:
                time.sleep(args.interval)
            out_path = (
                args.out
                if args.shots == 1
                else args.out.removesuffix(".png") + f"_{shot}.png"
            )
            data = call("Page.captureScreenshot", format="png")["data"]
            with open(out_path, "wb") as out:
                out.write(base64.b64decode(data))
            seen = ""
            if args.expression:
                result = call(
                    "Runtime.evaluate", expression=args.expression, returnByValue=True
                )
                seen = f" {result.get('result', {}).get('value')!r}"
            print(f"{time.strftime('%H:%M:%S')} saved {out_path}{seen}", flush=True)
    finally:
        chrome.terminate()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
