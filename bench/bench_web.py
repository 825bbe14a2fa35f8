"""Requests/s and latency of POST /api/v1/analyze under a loopback load.

    python bench/bench_web.py [--clients 20] [--requests 400] [--seconds 30] [--no-store]
                              [--client httpx|raw]

Starts ``rhetorica serve`` in a subprocess on a free 127.0.0.1 port with a throwaway store,
then drives it with N concurrent keep-alive clients (asyncio + httpx by default) posting
short statements. Target (issues 8 and 17): p95 under 200 ms at 20 concurrent clients, no
verification. The client shares the machine's cores with the server, so figures are
conservative; ``--client raw`` takes a tenth of httpx's CPU from them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STATEMENTS = [
    "Crime rose 40% in 2024 and our streets are a war zone.",
    "We cut taxes for every working family last year.",
    "They are flooding our city and the elites do nothing.",
    "Unemployment fell to 4.1% in March, the lowest in a decade.",
    "The senator voted against the budget three times.",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float | None:
    """User+system CPU of a process and its children (the analysis workers), from /proc:
    a figure the machine's load cannot inflate."""
    try:
        pids = [pid]
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
            pids.append(int(child))
        total = 0.0
        for p in pids:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total
    except (OSError, ValueError, IndexError):
        return None


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


class HttpxClient:
    """httpx's keep-alive client. Building one (its TLS context) blocks the event loop for
    about 25 ms, so all are built before the clock starts; built inside the load, twenty of
    them held the first responses unread for up to half a second, a cost of this load
    generator, not of the server."""

    def __init__(self, url: str) -> None:
        import httpx

        self.client = httpx.AsyncClient(base_url=url, timeout=30)

    async def post(self, path: str, body: bytes) -> int:
        r = await self.client.post(path, content=body,
                                   headers={"Content-Type": "application/json"})
        return r.status_code

    async def aclose(self) -> None:
        await self.client.aclose()


class RawClient:
    """One keep-alive HTTP/1.1 connection speaking just what this benchmark needs.

    httpx takes about 2.3 ms of CPU per request from the cores the server is measured on
    (a seventh of what the server spends); this takes about a tenth of that, as a compiled
    load generator (wrk, k6) on another machine would."""

    def __init__(self, url: str) -> None:
        host, port = url.removeprefix("http://").split(":")
        self.host, self.port = host, int(port)
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes) -> int:
        if self.reader is None or self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(b"POST %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json"
                          b"\r\nContent-Length: %d\r\n\r\n%s" % (
                              path.encode(), self.host.encode(), self.port, len(body), body))
        head = await self.reader.readuntil(b"\r\n\r\n")
        length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                       if line.lower().startswith(b"content-length:")), None)
        if length is None:
            raise RuntimeError("response without Content-Length")
        await self.reader.readexactly(length)
        return int(head.split(b" ", 2)[1])

    async def aclose(self) -> None:
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()


CLIENTS = {"httpx": HttpxClient, "raw": RawClient}


async def load(url: str, clients: int, total: int, seconds: float, store: bool,
               kind: str = "httpx") -> tuple[list[float], int, float]:
    import json

    latencies: list[float] = []
    errors = 0
    counter = 0

    async def client(c: HttpxClient | RawClient) -> None:
        nonlocal counter, errors
        try:
            while counter < total and time.perf_counter() < deadline:
                n = counter
                counter += 1
                # A different statement per request (ids vary), as real traffic would be.
                text = f"{STATEMENTS[n % len(STATEMENTS)]} (item {n})"
                body = json.dumps({"text": text, "store": store}).encode()
                t = time.perf_counter()
                status = await c.post("/api/v1/analyze", body)
                latencies.append(time.perf_counter() - t)
                if status != 200:
                    errors += 1
        finally:
            await c.aclose()

    pool = [CLIENTS[kind](url) for _ in range(clients)]
    t0 = time.perf_counter()
    deadline = t0 + seconds
    await asyncio.gather(*(client(c) for c in pool))
    return latencies, errors, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--no-store", action="store_true", help="Analyse only (store=false).")
    ap.add_argument("--client", choices=tuple(CLIENTS), default="httpx",
                    help="Load generator: httpx (default), or a minimal HTTP/1.1 client that "
                         "leaves the server's cores about 2 ms of CPU more per request.")
    ap.add_argument("--pipeline", default="", help="Comma-separated components (default: all).")
    ap.add_argument("--processes", type=int, default=None,
                    help="serve --processes (0: analyse inside the server process; "
                         "default: serve's own, one per core, at most 2).")
    args = ap.parse_args()

    import httpx

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.db")
        env = {**os.environ, "RHETORICA_DB": db}
        env.pop("RHETORICA_TOKEN", None)
        server = subprocess.Popen(
            [sys.executable, "-m", "rhetorica.cli.main", "serve", "--port", str(port),
             *(["--processes", str(args.processes)] if args.processes is not None else []),
             *(["--pipeline", args.pipeline] if args.pipeline else [])],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            t0 = time.perf_counter()
            while True:
                if server.poll() is not None:
                    sys.exit(f"server exited: {server.stderr.read().decode()[-500:]}")
                try:
                    if httpx.get(f"{url}/api/v1/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
                if time.perf_counter() - t0 > 60:
                    sys.exit("server did not start within 60 s")
            startup = time.perf_counter() - t0
            # Warm up: the first analysis loads lazy resources.
            httpx.post(f"{url}/api/v1/analyze", json={"text": "Warm up.", "store": False},
                       timeout=60)
            cpu0 = cpu_seconds(server.pid)
            client0 = time.process_time()
            lat, errors, wall = asyncio.run(
                load(url, args.clients, args.requests, args.seconds, not args.no_store,
                     args.client))
            client = time.process_time() - client0
            cpu1 = cpu_seconds(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=10)
    ms = [x * 1000 for x in lat]
    print(f"pipeline: {args.pipeline or 'default'}; server start: {startup:.2f} s; "
          f"clients: {args.clients} ({args.client}); store: {not args.no_store}; "
          f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"requests: {len(ms)}  errors: {errors}  wall: {wall:.2f} s  "
          f"-> {len(ms) / wall:.1f} requests/s")
    print(f"latency ms: p50 {statistics.median(ms):.1f}  p95 {percentile(ms, 95):.1f}  "
          f"p99 {percentile(ms, 99):.1f}  max {max(ms):.1f}")
    if cpu0 is not None and cpu1 is not None:
        per = (cpu1 - cpu0) / len(ms) * 1000
        print(f"server CPU (incl. workers): {per:.2f} ms per request; load client CPU: "
              f"{client / len(ms) * 1000:.2f} ms per request")
    print(f"target p95 < 200 ms: {'met' if percentile(ms, 95) < 200 else 'NOT met'}")


if __name__ == "__main__":
    main()
