"""Benchmark: tip submission under load against gunicorn and PostgreSQL on this machine, beside the floor (a
minimal Django view inserting one row). Not a test: run it by hand and read the figures.

    .venv/bin/python scripts/bench_tips.py [--seconds 15] [--workers 2] [--concurrency 20 50]

It creates (and afterwards drops) the database ``t_reporting_bench``, migrates it, seeds one district, starts
gunicorn on 127.0.0.1:8765 with ``scripts/bench_tips_settings.py``, and drives it with wrk from a second
process (``apt-get install wrk``): each request a full tip form POST (CSRF token and cookie from one GET, a
random X-Forwarded-For per request so the per-client rate limit is exercised, a routine category so nothing
escalates). Prints requests per second and p50/p95/p99 latency per concurrency for both endpoints.
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DB = "t_reporting_bench"
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"

LUA = r"""
local body = BODY
local cookie = COOKIE
wrk.method = "POST"
local counter = 0
init = function(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end
request = function()
  local ip = math.random(1, 223) .. "." .. math.random(0, 255) .. "." .. math.random(0, 255) .. "."
    .. math.random(1, 254)
  return wrk.format("POST", nil, {["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = cookie,
                                  ["X-Forwarded-For"] = ip}, body)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d seconds=%.3f non2xx=%d errors=%d p50=%.2f p95=%.2f p99=%.2f\n",
    summary.requests, summary.duration / 1e6, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def env():
    return {**os.environ, "PORTAL_ENV": "test", "DEBUG": "false",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
            "DJANGO_SETTINGS_MODULE": "bench_tips_settings",
            "PYTHONPATH": f"{ROOT}:{ROOT / 'scripts'}"}


def run(*command, **kwargs):
    return subprocess.run(command, check=True, env=env(), cwd=ROOT, **kwargs)  # noqa: S603


def manage_shell(code: str) -> str:
    result = run(str(ROOT / ".venv/bin/python"), "manage.py", "shell", "-c", code, capture_output=True, text=True)
    return result.stdout.strip().splitlines()[-1]


SEED = """
from schools.models import District, School
from reporting.models import TipLineSettings, TipCategory
d, _ = District.objects.get_or_create(name="Bench District", defaults={"state": "MI", "time_zone": "America/Detroit"})
School.objects.get_or_create(district=d, name="Bench High", defaults={"level": "high"})
TipLineSettings.objects.filter(pk=TipLineSettings.for_district(d).pk).update(enabled=True)
print(d.pk, TipCategory.objects.get(district=d, name="Bullying").pk)
"""


def csrf_pair(path):
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(BASE + path, timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return token, cookie


def wrk(url, lua_path, connections, seconds):
    out = subprocess.run(["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",  # noqa: S603, S607
                          "-s", lua_path, url], capture_output=True, text=True, check=True).stdout
    fields = dict(re.findall(r"(\w+)=([\d.]+)", out.split("RESULT", 1)[1]))
    return {k: float(v) for k, v in fields.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[20, 50])
    parser.add_argument("--access-log", help="gunicorn's access log (statuses), e.g. /tmp/bench_access.log")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB], check=True)  # noqa: S603, S607
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB], check=True)  # noqa: S603, S607
    server = None
    try:
        run(str(ROOT / ".venv/bin/python"), "manage.py", "migrate", "--noinput", capture_output=True)
        # The bench's own Redis database: rate-limit counters of an earlier run would hold its clients back.
        manage_shell("from django.core.cache import cache; cache.clear(); print('cleared')")
        district_id, category_id = manage_shell(SEED).split()[-2:]
        server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "bench_tips_wsgi:application",  # noqa: S603
                                   "--bind", f"127.0.0.1:{PORT}", "--workers", str(args.workers),
                                   "--pythonpath", f"{ROOT},{ROOT / 'scripts'}", "--log-level", "warning",
                                   "--timeout", "60",
                                   *(["--access-logfile", args.access_log] if args.access_log else [])],
                                  env=env(), cwd=ROOT, start_new_session=True)
        for _ in range(100):
            try:
                urllib.request.urlopen(BASE + "/tips/", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        form_path = f"/tips/en/{district_id}/"
        token, cookie = csrf_pair(form_path)
        tip_body = urllib.parse.urlencode({
            "csrfmiddlewaretoken": token, "category": category_id, "school": "",
            "what_happened": "Benchmark: students are vaping in the second floor bathroom between classes.",
            "when_happened": "Every day", "where_happened": "Second floor", "people_involved": "",
            "contact_name": "", "contact_email": "", "contact_phone": "", "website": ""})
        results = []
        with tempfile.TemporaryDirectory() as tmp:
            scripts = {}
            for name, body, ck in (("tip", tip_body, cookie), ("floor", "x=1", "")):
                lua = Path(tmp) / f"{name}.lua"
                lua.write_text(LUA.replace("BODY", repr(body).replace("'", '"')).replace("COOKIE", f'"{ck}"'))
                scripts[name] = str(lua)
            for connections in args.concurrency:
                for name, path in (("floor (insert one row)", "/bench-floor/"), ("tip submission", form_path)):
                    r = wrk(BASE + path, scripts["tip" if path == form_path else "floor"], connections, args.seconds)
                    results.append((name, connections, r))
        count = manage_shell("from reporting.models import Tip; print(Tip.objects.count())")
        print(f"\nworkers={args.workers} seconds={args.seconds} cpus={os.cpu_count()} tips stored={count}")
        print(f"{'endpoint':<24}{'users':>6}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'non-2xx':>9}")
        for name, connections, r in results:
            print(f"{name:<24}{connections:>6}{r['requests'] / r['seconds']:>9.1f}{r['p50']:>9.1f}{r['p95']:>9.1f}"
                  f"{r['p99']:>9.1f}{int(r['non2xx']):>9}")
        return 0
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB], check=False)  # noqa: S603, S607


if __name__ == "__main__":
    sys.exit(main())
