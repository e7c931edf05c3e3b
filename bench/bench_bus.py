"""Message bus latency and throughput, QoS 1, on the embedded amqtt broker and on mosquitto,
with and without TCP_NODELAY.

    .venv/bin/python bench/bench_bus.py [--count 300] [--slow-count 30] [--messages 2000]

Latency: a request/response round trip as agents use the bus (A publishes on its action topic,
B answers on the result topic, A receives the answer; each leg QoS 1, publish awaits its
PUBACK), median over `--count` trips. Throughput: A publishes `--messages` messages with up
to 100 in flight, B receives them all; messages per second from first publish to last receipt.
"Without TCP_NODELAY" turns it off in the clients and in mosquitto (asyncio, hence amqtt,
always sets it on the broker side).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Literal

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agents.broker import MOSQUITTO_MISSING, EmbeddedBroker, MosquittoBroker  # noqa: E402
from agents.bus import Bus, Envelope, Topics  # noqa: E402

TOPICS = Topics("bench")


class BenchPing(Envelope):
    kind: Literal["bench_ping"] = "bench_ping"
    seq: int


async def _responder(bus: Bus, ready: asyncio.Event, stop: asyncio.Event) -> None:
    await bus.subscribe(TOPICS.action("a"), BenchPing)
    ready.set()
    async for _topic, ping in bus.messages(stop):
        assert isinstance(ping, BenchPing)
        await bus.publish(TOPICS.result("a"), BenchPing(sender="b", seq=ping.seq))


async def round_trips(url: str, count: int, nodelay: bool) -> list[float]:
    """Seconds per request/response round trip, `count` of them."""
    async with (
        Bus(url, "bench-a", tcp_nodelay=nodelay) as a,
        Bus(url, "bench-b", tcp_nodelay=nodelay) as b,
    ):
        await a.subscribe(TOPICS.result("a"), BenchPing)
        ready, stop = asyncio.Event(), asyncio.Event()
        responder = asyncio.create_task(_responder(b, ready, stop))
        await asyncio.wait_for(ready.wait(), timeout=10)
        times = []
        for seq in range(count):
            start = time.perf_counter()
            await a.publish(TOPICS.action("a"), BenchPing(sender="a", seq=seq))
            _topic, answer = await a.receive(timeout=10)
            times.append(time.perf_counter() - start)
            assert isinstance(answer, BenchPing) and answer.seq == seq
        # Stopped, not cancelled: cancelling a task inside a publish can be swallowed by
        # Python 3.11's asyncio.wait_for, which aiomqtt uses.
        stop.set()
        await asyncio.wait_for(responder, timeout=10)
    return times


async def throughput(url: str, messages: int, nodelay: bool) -> float:
    """Messages per second from A to B."""
    async with (
        Bus(url, "bench-a", tcp_nodelay=nodelay) as a,
        Bus(url, "bench-b", tcp_nodelay=nodelay) as b,
    ):
        await b.subscribe(TOPICS.action("a"), BenchPing)
        window = asyncio.Semaphore(100)

        async def send(seq: int) -> None:
            async with window:
                await a.publish(TOPICS.action("a"), BenchPing(sender="a", seq=seq))

        async def receive_all() -> None:
            for seen in range(messages):
                try:
                    await b.receive(timeout=10)
                except TimeoutError:
                    raise SystemExit(f"lost messages: {messages - seen} never arrived") from None

        start = time.perf_counter()
        await asyncio.gather(receive_all(), *(send(seq) for seq in range(messages)))
        return messages / (time.perf_counter() - start)


async def bench(kind: str, nodelay: bool, count: int, messages: int) -> str:
    broker = EmbeddedBroker() if kind == "amqtt" else MosquittoBroker(tcp_nodelay=nodelay)
    async with broker:
        times = await round_trips(broker.url, count, nodelay)
        rate = await throughput(broker.url, messages, nodelay)
    median = statistics.median(times) * 1000
    p90 = statistics.quantiles(times, n=10)[-1] * 1000
    return (
        f"{kind:<10} {'on' if nodelay else 'off':<12} {len(times):>6} "
        f"{median:>12.2f} {p90:>9.2f} {rate:>12.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300, help="round trips with TCP_NODELAY")
    parser.add_argument(
        "--slow-count", type=int, default=30, help="round trips without it (~90 ms each)"
    )
    parser.add_argument("--messages", type=int, default=2000, help="messages for throughput")
    parser.add_argument("--brokers", default="amqtt,mosquitto")
    args = parser.parse_args()
    print(
        f"{'broker':<10} {'TCP_NODELAY':<12} {'trips':>6} {'median ms':>12} {'p90 ms':>9} "
        f"{'msg/s':>12}"
    )
    for kind in args.brokers.split(","):
        if kind == "mosquitto" and shutil.which("mosquitto") is None:
            print(f"{kind:<10} skipped: {MOSQUITTO_MISSING}")
            continue
        for nodelay in (True, False):
            count = args.count if nodelay else args.slow_count
            messages = args.messages if nodelay else max(200, args.messages // 10)
            print(asyncio.run(bench(kind, nodelay, count, messages)), flush=True)


if __name__ == "__main__":
    main()
