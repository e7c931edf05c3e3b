"""The watch page's server and feed: what it serves, and that nothing on the watching side
(a taken or wrong port, a browser that stalls or goes away) stops or changes the episode."""

from __future__ import annotations

import asyncio
import json
import socket
import time
import urllib.request

import pytest

from agents.messages import PlanGraph
from planner.subtask import Plan, Subtask
from tasks.cli import main
from tasks.episode import run_episode
from tasks.watch.feed import plan_graph
from tasks.watch.hub import Hub
from tasks.watch.page import PageServer, WatchError
from tasks.watch.replay import load_result
from tests.watch.conftest import free_port

TASK = "cooking/cake_20"


def test_plan_graph_marks_pruned_and_repaired_edges_with_their_ate() -> None:
    plan = Plan(task="t", hub=None, subtasks=[Subtask(id=s, kind="walk", target=s)
                                              for s in ("a", "b", "c")])
    record = {"prior_edges": [["a", "b"], ["a", "c"]], "edges": [["a", "b"], ["b", "c"]],
              "lines": [["a", "b", "c"]],
              "refinement": {"verdicts": [
                  {"u": "a", "v": "b", "ate": 0.75, "kept": True, "origin": "prior",
                   "rules": ["r1"]},
                  {"u": "a", "v": "c", "ate": 0.0, "kept": False, "origin": "prior",
                   "rules": []},
                  {"u": "b", "v": "c", "ate": 0.5, "kept": True, "origin": "repair",
                   "rules": ["r2"]}]}}
    g = plan_graph("t", "sim", "full", ["agent1", "agent2"], plan, record)
    assert isinstance(g, PlanGraph)
    assert [(e["source"], e["target"], e["kept"], e["ate"], e["origin"]) for e in g.edges] == [
        ("a", "b", True, 0.75, "prior"), ("a", "c", False, 0.0, "prior"),
        ("b", "c", True, 0.5, "repair")]
    assert g.lines == [["a", "b", "c"]]
    assert [n["id"] for n in g.nodes] == ["a", "b", "c"]


def test_hub_replays_history_to_a_late_follower_then_goes_live() -> None:
    async def scenario() -> list[str]:
        hub = Hub(asyncio.get_running_loop())
        hub.push("score", {"score": 1.0}, sent_at=5.0)
        seen: list[str] = []

        async def follower() -> None:
            async for line in hub.follow():
                seen.append(json.loads(line)["kind"])
                if len(seen) == 2:
                    return

        task = asyncio.create_task(follower())
        await asyncio.sleep(0.01)
        hub.push("plan", {})
        await asyncio.wait_for(task, 2)
        return seen

    assert asyncio.run(scenario()) == ["score", "plan"]


def test_hub_hands_a_burst_to_a_follower_at_once() -> None:
    """Updates pushed between two wake-ups of a follower come as one batch (one write to the
    browser), in order; then the follower waits for the next."""
    async def scenario() -> list[list[int]]:
        hub = Hub(asyncio.get_running_loop())
        batches: list[list[int]] = []

        async def follower() -> None:
            async for batch in hub.follow_batches():
                batches.append([json.loads(line)["n"] for line in batch])
                if sum(map(len, batches)) == 4:
                    return

        hub.push("plan", {})
        task = asyncio.create_task(follower())
        await asyncio.sleep(0.01)
        for _ in range(3):
            hub.push("progress", {})
        await asyncio.wait_for(task, 2)
        return batches

    assert asyncio.run(scenario()) == [[0], [1, 2, 3]]


def test_page_serves_the_page_the_vendored_graph_library_and_events() -> None:
    page = PageServer(0).start()
    try:
        page.push("score", {"score": 2.0}, sent_at=7.0)
        html = urllib.request.urlopen(page.url, timeout=5).read().decode()
        assert "/vendor/cytoscape.min.js" in html and "app.js" in html
        lib = urllib.request.urlopen(page.url + "vendor/cytoscape.min.js", timeout=5).read()
        assert len(lib) > 100_000  # the npm package's own build, served locally
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(page.url + "../pyproject.toml", timeout=5)
        stream = urllib.request.urlopen(page.url + "events", timeout=5)
        assert stream.readline() == b"event: hello\n"
        assert stream.readline() == b"data: 1\n"
        stream.readline()
        # Each update's event id is when the page server wrote it (unix seconds).
        written = float(stream.readline().decode().removeprefix("id: "))
        record = json.loads(stream.readline().decode().removeprefix("data: "))
        assert (record["kind"], record["data"], record["sent_at"]) == ("score", {"score": 2.0},
                                                                      7.0)
        assert record["received_at"] <= written <= time.time()
    finally:
        page.stop()


def test_a_taken_port_is_one_clear_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        with pytest.raises(WatchError, match=r"cannot serve the watch page on 127.0.0.1:\d+"):
            PageServer(s.getsockname()[1]).start()
    with pytest.raises(WatchError, match="between 0 and 65535"):
        PageServer(70000)


def test_a_taken_or_wrong_port_warns_and_the_run_goes_on(capsys, tmp_path) -> None:
    plain = run_episode({"task": TASK, "agents": 3})
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        for port in (str(s.getsockname()[1]), "70000"):
            out = tmp_path / f"r{port}.json"
            assert main(["run", TASK, "--agents", "3", "--watch", "--watch-port", port,
                         "--watch-linger", "0", "--out", str(out)]) == 0
            err = capsys.readouterr().err
            assert "warning:" in err and "the run goes on without the page" in err
            assert json.loads(out.read_text())["trace"] == plain["trace"]


def test_a_stalled_or_closed_browser_changes_nothing(capsys, tmp_path) -> None:
    """One browser connects and never reads; another reads a little and closes. The
    episode's trace is the same as without any page, and the run is not held up."""
    plain = run_episode({"task": TASK, "agents": 3})
    port = free_port()
    socks: list[socket.socket] = []

    def browsers() -> None:
        for _ in range(40):
            try:
                stalled = socket.create_connection(("127.0.0.1", port), timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            return
        stalled.sendall(b"GET /events HTTP/1.1\r\nHost: x\r\n\r\n")
        socks.append(stalled)
        closed = socket.create_connection(("127.0.0.1", port), timeout=1)
        closed.sendall(b"GET /events HTTP/1.1\r\nHost: x\r\n\r\n")
        closed.recv(100)
        closed.close()

    import threading

    t = threading.Thread(target=browsers)
    t.start()
    out = tmp_path / "r.json"
    t0 = time.monotonic()
    assert main(["run", TASK, "--agents", "3", "--watch", "--watch-port", str(port),
                 "--watch-linger", "0", "--out", str(out)]) == 0
    elapsed = time.monotonic() - t0
    t.join()
    for s in socks:
        s.close()
    assert json.loads(out.read_text())["trace"] == plain["trace"]
    assert elapsed < 60


def test_replay_names_what_is_wrong_with_a_result_file(tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    with pytest.raises(ValueError, match="not a result file .missing task, agents, trace"):
        load_result(bad)
    bad.write_text("nope")
    with pytest.raises(ValueError, match="not JSON"):
        load_result(bad)
    keys = {"task": "cooking/cake_0", "agents": 2, "graph": {}, "config": {}, "subtasks": {}}
    bad.write_text(json.dumps({**keys, "trace": 5}))
    with pytest.raises(ValueError, match="'trace' is not a JSON list"):
        load_result(bad)
    bad.write_text(json.dumps({**keys, "trace": [{"start": 0, "end": 1}, {"end": "x"}]}))
    with pytest.raises(ValueError, match="trace entry 1 has no numeric start and end"):
        load_result(bad)
    assert main(["replay", str(tmp_path / "none.json"), "--watch"]) == 2
    with pytest.raises(ValueError, match=r"is a folder; give a result file"):
        load_result(tmp_path)
    move = {"agent": "agent1", "name": "move_to", "args": {"pos": [0, -60, 0]}, "start": 0.0,
            "end": 1.0, "ok": True, "subtask": "s", "attempt": 1}
    bad.write_text(json.dumps({**keys, "trace": [move, {**move, "args": {"pos": "x"}}]}))
    with pytest.raises(ValueError, match=r"^.*bad.json: not a result file \(trace entry 1: "
                                         r"move_to\.pos: "):
        load_result(bad)


def test_replay_progress_follows_attempts_of_a_retried_subtask() -> None:
    """Subtask s: attempt 1 by agent1 (its two actions), then a retry, attempt 2 by agent2,
    with a late action of attempt 1 in between; t failed for good; a stage errand."""
    from planner.schedule import ScheduleState
    from tasks.watch.replay import TraceProgress

    trace = [{"agent": "agent1", "subtask": "s", "attempt": 1},
             {"agent": "agent1", "subtask": "s", "attempt": 1},
             {"agent": "agent3", "subtask": "stage:t", "attempt": 1},
             {"agent": "agent2", "subtask": "s", "attempt": 2},
             {"agent": "agent1", "subtask": "s", "attempt": 1},
             {"agent": "agent3", "subtask": "t", "attempt": 1},
             {"agent": "agent2", "subtask": "s", "attempt": 2}]
    sched = ScheduleState.start([["s"], ["t"]], ["agent1", "agent2", "agent3"])
    p = TraceProgress({"s", "t"}, trace, {"s"}, sched)
    seen = []
    for i, entry in enumerate(trace):
        p.step(i, entry)
        seen.append(({k: list(v) for k, v in p.working.items()}, sorted(p.done)))
    assert seen == [
        ({"s": ["agent1"]}, []),
        ({"s": ["agent1"]}, []),
        ({"s": ["agent1"]}, []),   # a stage errand holds nothing
        ({"s": ["agent2"]}, []),   # the retry takes over; agent1 lets go
        ({"s": ["agent2"]}, []),   # a late action of attempt 1 holds nothing
        ({"s": ["agent2"]}, []),   # t's only action ends: failed for good, not done
        ({}, ["s"]),               # the last action of the last attempt: done
    ]


def test_a_bus_tap_gets_each_message_as_the_broker_delivers_it_and_never_stops_a_publish():
    """The page in the episode's process takes the viewer messages from the publishing bus
    client (`Bus.taps`): the same bytes a subscriber gets through the broker, framed on the
    page as published; a tap that fails is logged and the message still goes out."""
    from agents.broker import EmbeddedBroker
    from agents.bus import Bus, Topics
    from agents.messages import Event, ScoreUpdate
    from tasks.watch.live import tap_for

    topics = Topics("tap1")
    page = PageServer(0).start()
    tapped: list[tuple[str, bytes]] = []

    def broken(topic, message, payload):
        raise RuntimeError("a viewer went wrong")

    async def scenario() -> list[bytes]:
        async with EmbeddedBroker() as broker, Bus(broker.url, "tap1-judger") as judger, \
                Bus(broker.url, "tap1-viewer") as viewer:
            await viewer.subscribe(topics.all)
            judger.taps += [broken, lambda t, m, p: tapped.append((t, p)),
                            tap_for(page, topics.episode)]
            await judger.publish(topics.score, ScoreUpdate(
                sender="judger", score=12.5, completion=0.25, details={"a": 0.5},
                makespan_s=3.0, lower_bound_s=2.0, actions=4, failed_actions=1), retain=True)
            await judger.publish(topics.events, Event(sender="judger", text="agent1 ok"))
            await judger.publish(topics.result("agent1"), Event(sender="judger", text="x"))
            got = []
            for _ in range(3):
                _topic, msg = await viewer.receive(timeout=5)
                got.append(msg.model_dump_json().encode())
            return got

    try:
        delivered = asyncio.run(scenario())
        assert [p for _t, p in tapped] == delivered
        assert [t for t, _p in tapped] == [topics.score, topics.events, topics.result("agent1")]
        deadline = time.monotonic() + 5
        while len(page.hub.history) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        shown = [json.loads(line) for line in page.hub.history]
        # Only the episode's viewer topics reach the page, each as it was published.
        assert [u["kind"] for u in shown] == ["score", "event"]
        assert [u["data"] for u in shown] == [json.loads(p) for p in delivered[:2]]
        assert shown[0]["sent_at"] == shown[0]["data"]["sent_at"]
    finally:
        page.stop()
