"""Import a large customer file through the wizard over HTTP (not a test).

Run against an Odoo started as in production (see bench/README.md, "Background
import"): logs in as admin, makes it a Customer Segments manager, sets the
company's background threshold, uploads the file to the wizard, clicks Import,
then reads the job's progress until it ends and checks that every row is
there exactly once.

    .venv/bin/python bench/background_import_proof.py --url http://127.0.0.1:8079 \
        --db h22_proof --rows 100000 --threshold 5000
"""

import argparse
import base64
import csv
import io
import time

import requests
from stdnum.cn import uscc


def make_csv(rows, prefix):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["客户编码", "客户名称", "统一社会信用代码"])
    for i in range(rows):
        body = f"91440101{prefix}{i:07d}"[:17]
        writer.writerow([f"{prefix}{i:07d}", f"后台导入客户{prefix}{i:07d}",
                         body + uscc.calc_check_digit(body)])  # fmt: skip
    return out.getvalue().encode()


class Client:
    def __init__(self, url, db):
        self.url, self.session = url, requests.Session()
        self.rpc("/web/session/authenticate", db=db, login="admin", password="admin")

    def rpc(self, path, timeout=600, **params):
        response = self.session.post(
            self.url + path,
            json={"jsonrpc": "2.0", "method": "call", "params": params},
            timeout=timeout,
        )
        response.raise_for_status()
        body = response.json()
        if body.get("error"):
            raise RuntimeError(body["error"]["data"]["message"])
        return body["result"]

    def call(self, model, method, *args, timeout=600, **kwargs):
        return self.rpc(
            "/web/dataset/call_kw",
            timeout=timeout,
            model=model,
            method=method,
            args=list(args),
            kwargs=kwargs,
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--db", required=True)
    parser.add_argument("--rows", type=int, default=100000)
    parser.add_argument("--threshold", type=int, default=5000)
    parser.add_argument("--prefix", default="HP")
    parser.add_argument("--job", type=int, help="only follow this job, then count")
    args = parser.parse_args()
    if args.job:
        client = Client(args.url, args.db)
        follow(client, {"res_id": args.job}, time.monotonic())
        count(client, args)
        return

    client = Client(args.url, args.db)
    group = client.call(
        "ir.model.data",
        "search_read",
        [
            ("module", "=", "partner_segment"),
            ("name", "=", "partner_segment_group_manager"),
        ],
        ["res_id"],
    )[0]["res_id"]
    uid = client.call("res.users", "search", [("login", "=", "admin")])[0]
    client.call("res.users", "write", [uid], {"groups_id": [(4, group)]})
    company = client.call("res.users", "read", [uid], ["company_id"])[0]["company_id"][
        0
    ]
    client.call(
        "res.company", "write", [company],
        {"segment_import_background_rows": args.threshold},
    )  # fmt: skip

    content = make_csv(args.rows, args.prefix)
    wizard = client.call(
        "partner.segment.import",
        "create",
        {"file": base64.b64encode(content).decode(), "filename": "proof.csv",
         "policy": "skip"},
    )  # fmt: skip
    start = time.monotonic()
    try:
        action = client.call("partner.segment.import", "action_import", [wizard])
    except (requests.RequestException, RuntimeError) as error:
        print(f"Import request failed after {time.monotonic() - start:.0f} s: {error}")
        action = None
    print(f"Import request returned after {time.monotonic() - start:.1f} s: "
          f"{action and action['res_model']}")  # fmt: skip
    if action and action["res_model"] == "partner.segment.import.job":
        follow(client, action, start)
    count(client, args)


def follow(client, action, start):
    """Read the job's progress every 5 s until it ends."""
    progress = []
    while True:
        job = client.call(
            "partner.segment.import.job",
            "read",
            [action["res_id"]],
            ["state", "progress_done", "progress_total", "create_count",
             "error_count", "error_message"],
        )[0]  # fmt: skip
        if not progress or progress[-1] != job["progress_done"]:
            progress.append(job["progress_done"])
            print(f"{time.monotonic() - start:6.0f} s  {job['state']:8} "
                  f"{job['progress_done']:>7} / {job['progress_total']}")  # fmt: skip
        if job["state"] in ("done", "failed"):
            break
        time.sleep(5)
    print(f"job {job['state']} after {time.monotonic() - start:.0f} s: "
          f"{job['create_count']} created, {job['error_count']} errors, "
          f"{job['error_message'] or ''}")  # fmt: skip
    print(f"progress seen: {progress[0]} ... {progress[-1]} ({len(progress)} values)")


def count(client, args):
    refs = client.call(
        "res.partner",
        "search_read",
        [("ref", "=like", f"{args.prefix}%")],
        ["ref"],
        timeout=600,
    )
    distinct = {r["ref"] for r in refs}
    print(f"customers in the database: {len(refs)}, distinct codes {len(distinct)}, "
          f"expected {args.rows}")  # fmt: skip


if __name__ == "__main__":
    main()
