"""Causal refinement: keep an edge u -> v only if some rule change moves "v needs u".

For an edge e = (u, v), R_e are the rules that mention an item, block or location of u or
of v; Y_e(R) says whether v still needs u under the rule set R; and

    ATE_e = mean over r in R_e of [ Y_e(R) - Y_e(R with do(r := r')) ]

where r' removes r (or swaps its ingredients for unrelated ones). An empty R_e gives 0. The
edge is kept when ATE_e > tau (default 0): an edge that no rule change can move is a prior,
not a rule. Three estimators sit behind one interface (`Estimator`): `RuleOracle` (exact,
derived from the rules), `LLMJudge` (an LLM answers each intervention; edges batched, k
samples), `Interventional` (a simulator runs do(u not done) and says whether v can still
finish). `repair=True` then adds the edges the rules imply and the prior missed.

    result = refine(prior, plan, rules, RuleOracle(), repair=True)
    set(result.graph.edges) == set(rule_graph(plan, rules).edges)   # True
"""

from __future__ import annotations

import statistics
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import networkx as nx

from env.rulebook import Rule, Rulebook
from planner.decompose import pos_key
from planner.graph import Lookup, PlanIndex, provides, requires, rule_graph
from planner.prompts import JudgeItem, PromptError, judge_prompt, parse_judge_answer
from planner.subtask import Plan, Subtask

Edge = tuple[str, str]


@dataclass(frozen=True)
class EdgeEffect:
    """An estimator's verdict on one edge. `ate` None: no estimate (the edge is kept as the
    prior had it). `spread`: the standard deviation over samples (LLM judge)."""

    ate: float | None
    rules: tuple[str, ...] = ()
    estimator: str = ""
    spread: float = 0.0
    samples: int = 1
    note: str = ""


class Estimator(Protocol):
    """Anything that estimates the ATE of a batch of edges."""

    name: str

    def effects(self, edges: list[Edge], plan: Plan, rules: Rulebook) -> dict[Edge, EdgeEffect]:
        ...


# --- what an edge is about ---------------------------------------------------------------


def subtask_names(s: Subtask) -> set[str]:
    """The items, blocks and locations a subtask speaks of (what rules may mention)."""
    names = {s.target, *s.inputs}
    for extra in (s.source, s.tool):
        if extra:
            names.add(extra)
    if s.station is not None:
        names.add(pos_key(s.station))
    names.update(pos_key(p) for p in s.sites)
    for b in s.blocks:
        names.add(b.name)
        names.add(f"{b.name}@{pos_key(b.pos)}")
    if s.room is not None:
        names.add(f"room:{s.room}")
    return names


_MENTIONS: weakref.WeakKeyDictionary[Rulebook, dict[str, frozenset[str]]] = \
    weakref.WeakKeyDictionary()


def mention_index(rules: Rulebook) -> dict[str, frozenset[str]]:
    """name -> ids of the rules that mention it (built once per rulebook)."""
    found = _MENTIONS.get(rules)
    if found is None:
        acc: dict[str, set[str]] = {}
        for r in rules.rules.values():
            for n in r.mentions():
                acc.setdefault(n, set()).add(r.id)
        found = {n: frozenset(ids) for n, ids in acc.items()}
        _MENTIONS[rules] = found
    return found


def rules_of_subtask(s: Subtask, index: dict[str, frozenset[str]]) -> frozenset[str]:
    """The rules that mention an item, block or location of s."""
    out: set[str] = set()
    for n in subtask_names(s):
        out.update(index.get(n, ()))
    return frozenset(out)


def rules_of_edge(u: Subtask, v: Subtask, index: dict[str, frozenset[str]],
                  cache: dict[str, frozenset[str]] | None = None) -> frozenset[str]:
    """R_e: the rules that mention an item, block or location of u or of v (`cache` keeps
    each subtask's share between edges)."""
    cache = {} if cache is None else cache
    for s in (u, v):
        if s.id not in cache:
            cache[s.id] = rules_of_subtask(s, index)
    return cache[u.id] | cache[v.id]


def swapped(rule: Rule) -> Rule | None:
    """r': the rule with every ingredient swapped for an unrelated one (None, a removal, for
    a rule without ingredients)."""
    if not rule.inputs:
        return None
    return rule.model_copy(update={"inputs": {f"unrelated:{i}": n
                                              for i, n in rule.inputs.items()}})


# --- estimators --------------------------------------------------------------------------


class RuleOracle:
    """Exact: Y_e(R) re-derived from the rules (`planner.graph.provides/requires`) under
    each intervention. Only rules that u or v rest on can move Y; every other rule of R_e
    counts in the mean with a difference of 0.

    `intervention`: "remove" (do(r := nothing)) or "swap" (do(r := r with unrelated
    ingredients); rules without ingredients are removed)."""

    name = "rules"

    def __init__(self, intervention: str = "remove") -> None:
        if intervention not in ("remove", "swap"):
            raise ValueError(f"intervention must be 'remove' or 'swap', got {intervention!r}")
        self.intervention = intervention

    def effects(self, edges: list[Edge], plan: Plan, rules: Rulebook) -> dict[Edge, EdgeEffect]:
        subs = plan.by_id()
        index = PlanIndex.of(plan)
        mentions = mention_index(rules)
        table = rules.rules
        base: Lookup = table.get
        prov: dict[str, frozenset[str]] = {}
        req: dict[str, frozenset[str]] = {}
        shares: dict[str, frozenset[str]] = {}
        out: dict[Edge, EdgeEffect] = {}
        for u, v in edges:
            if u not in subs or v not in subs:
                out[(u, v)] = EdgeEffect(0.0, (), self.name, note="unknown subtask")
                continue
            su, sv = subs[u], subs[v]
            r_e = rules_of_edge(su, sv, mentions, shares)
            if not r_e:
                out[(u, v)] = EdgeEffect(0.0, (), self.name, note="no rule mentions u or v")
                continue
            if u not in prov:
                prov[u] = provides(su, base)
            if v not in req:
                req[v] = requires(sv, base, index)
            y0 = 1 if prov[u] & req[v] else 0
            flips = 0
            if y0:
                for rid in sorted((set(su.rules) | set(sv.rules)) & r_e):
                    lookup = self._do(table, rid)
                    y = 1 if provides(su, lookup) & requires(sv, lookup, index) else 0
                    flips += y0 - y
            out[(u, v)] = EdgeEffect(flips / len(r_e), tuple(sorted(r_e)), self.name)
        return out

    def _do(self, table: dict[str, Rule], rid: str) -> Lookup:
        new = swapped(table[rid]) if self.intervention == "swap" else None

        def lookup(x: str) -> Rule | None:
            return new if x == rid else table.get(x)

        return lookup


@dataclass
class JudgeCall:
    """One call of the LLM judge: how many edges it covered, and what went wrong if
    anything (the answer is kept for replay)."""

    edges: int
    answer: str
    error: str | None = None


class LLMJudge:
    """The LLM judges each intervention: one prompt per batch of `batch` edges, asked `k`
    times (k samples); each answer gives, per edge, the probability that v needs u as the
    rules stand and under each rule's removal. ATE_e is the mean over samples of
    mean_r [p(R) - p(R without r)]; `spread` is its standard deviation over samples.
    An edge no valid answer covers gets `ate=None` (kept as the prior had it).

    `ask` takes the prompt and returns the model's text (the LLM client, or a recording).
    `max_rules` caps the interventions shown per edge (those u or v rest on first).
    """

    name = "llm"

    def __init__(self, ask: Callable[..., str], k: int = 3, batch: int = 20,
                 max_rules: int = 6, sampled: bool = False) -> None:
        if k < 1 or batch < 1 or max_rules < 1:
            raise ValueError(f"k, batch and max_rules must be >= 1 (got {k}, {batch}, "
                             f"{max_rules})")
        self.ask, self.k, self.batch, self.max_rules = ask, k, batch, max_rules
        self.sampled = sampled
        """`ask(prompt, sample)` with the sample's index (a seed per sample) when True."""
        self.calls: list[JudgeCall] = []
        self.answers: dict[Edge, list[tuple[float, dict[str, float]]]] = {}
        """Per edge, every valid sample: (p(v needs u), {rule id: p(... without it)})."""

    @property
    def n_calls(self) -> int:
        return len(self.calls)

    def effects(self, edges: list[Edge], plan: Plan, rules: Rulebook) -> dict[Edge, EdgeEffect]:
        subs = plan.by_id()
        mentions = mention_index(rules)
        out: dict[Edge, EdgeEffect] = {}
        items: list[JudgeItem] = []
        for u, v in edges:
            if u not in subs or v not in subs:
                out[(u, v)] = EdgeEffect(0.0, (), self.name, note="unknown subtask")
                continue
            su, sv = subs[u], subs[v]
            r_e = rules_of_edge(su, sv, mentions)
            if not r_e:
                out[(u, v)] = EdgeEffect(0.0, (), self.name, note="no rule mentions u or v")
                continue
            own = [r for r in dict.fromkeys([*su.rules, *sv.rules]) if r in r_e]
            shown = (own + sorted(r_e - set(own)))[: self.max_rules]
            items.append(JudgeItem(key=f"e{len(items)}", u=su, v=sv,
                                   rules=[rules.get(r) for r in shown]))
        for start in range(0, len(items), self.batch):
            chunk = items[start:start + self.batch]
            prompt = judge_prompt(chunk)
            samples: dict[str, list[float]] = {it.key: [] for it in chunk}
            for sample in range(self.k):
                text = ""
                try:
                    text = self.ask(prompt, sample) if self.sampled else self.ask(prompt)
                    answer = parse_judge_answer(text, chunk)
                except PromptError as err:
                    self.calls.append(JudgeCall(len(chunk), text, str(err)))
                    continue
                self.calls.append(JudgeCall(len(chunk), text))
                for it in chunk:
                    if it.key not in answer:
                        continue
                    base, without = answer[it.key]
                    self.answers.setdefault((it.u.id, it.v.id), []).append((base, without))
                    diffs = [base - p for p in without.values()]
                    if diffs:
                        samples[it.key].append(sum(diffs) / len(diffs))
            for it in chunk:
                edge = (it.u.id, it.v.id)
                got = samples[it.key]
                tried = tuple(r.id for r in it.rules)
                if not got:
                    out[edge] = EdgeEffect(None, tried, self.name, samples=0,
                                           note="no valid answer: kept as the prior had it")
                    continue
                spread = statistics.pstdev(got) if len(got) > 1 else 0.0
                out[edge] = EdgeEffect(sum(got) / len(got), tried, self.name, spread=spread,
                                       samples=len(got))
        return out


def oracle_interventions(u: Subtask, v: Subtask, plan: Plan, rules: Rulebook
                         ) -> tuple[int, dict[str, int]]:
    """The rule oracle's Y for one edge: (Y as the rules stand, {rule id: Y with it
    removed}) for every rule of R_e."""
    index = PlanIndex.of(plan)
    table = rules.rules
    r_e = rules_of_edge(u, v, mention_index(rules))
    y0 = 1 if provides(u, table.get) & requires(v, table.get, index) else 0
    out: dict[str, int] = {}
    for rid in sorted(r_e):
        def lookup(x: str, rid: str = rid) -> Rule | None:
            return None if x == rid else table.get(x)

        out[rid] = 1 if provides(u, lookup) & requires(v, lookup, index) else 0
    return y0, out


def judge_accuracy(judge: LLMJudge, verdicts: list[EdgeVerdict], plan: Plan,
                   rules: Rulebook, tau: float = 0.0) -> dict[str, object]:
    """Score an LLM judge against the rule oracle on the same graph.

    Per edge: the judge's keep/prune verdict (an unanswered edge is kept, as `refine` does)
    against the oracle's (ATE > tau). Per intervention (edge, rule removed) the judge
    answered: its effect, the mean over samples of p(needs) - p(needs without r), against
    the oracle's Y - Y(without r); each says "the rule matters" when its effect > 0.5.
    A false keep: the judge keeps (or says matters) where the oracle does not; a false
    prune: the reverse. Returns counts and accuracies (None when nothing was judged)."""
    subs = plan.by_id()
    prior = [e for e in verdicts if e.origin == "prior" and e.u in subs and e.v in subs]
    truth = RuleOracle().effects([(e.u, e.v) for e in prior], plan, rules)
    e_agree = e_fk = e_fp = 0
    for e in prior:
        t = truth[(e.u, e.v)].ate
        oracle_keep = t is not None and t > tau
        if e.kept == oracle_keep:
            e_agree += 1
        elif e.kept:
            e_fk += 1
        else:
            e_fp += 1
    i_n = i_agree = i_fk = i_fp = 0
    for (u, v), samples in sorted(judge.answers.items()):
        if u not in subs or v not in subs:
            continue
        y0, without = oracle_interventions(subs[u], subs[v], plan, rules)
        asked = sorted({r for _, w in samples for r in w})
        for rid in asked:
            diffs = [base - w[rid] for base, w in samples if rid in w]
            says = sum(diffs) / len(diffs) > 0.5
            truth_says = (y0 - without.get(rid, y0)) > 0.5
            i_n += 1
            if says == truth_says:
                i_agree += 1
            elif says:
                i_fk += 1
            else:
                i_fp += 1
    return {
        "edges": len(prior), "edge_accuracy": round(e_agree / len(prior), 4) if prior else None,
        "edge_false_keeps": e_fk, "edge_false_prunes": e_fp,
        "unanswered_edges": sum(1 for e in prior if e.ate is None),
        "interventions": i_n,
        "intervention_accuracy": round(i_agree / i_n, 4) if i_n else None,
        "intervention_false_keeps": i_fk, "intervention_false_prunes": i_fp,
        "samples": judge.k, "judge_calls": judge.n_calls,
        "failed_judge_calls": sum(1 for c in judge.calls if c.error),
    }


CanComplete = Callable[[Plan, set[str], str], bool]


def rules_can_complete(rules: Rulebook) -> CanComplete:
    """A symbolic stand-in for the simulator: v can complete without the subtasks in
    `removed` when every token it requires (`planner.graph.requires`) is either supplied by
    no subtask of the plan (the world or the hub has it) or by one not removed that can
    itself complete. Used by `ate-sim` until a simulator callback is given."""
    lookup: Lookup = rules.rules.get

    def can_complete(plan: Plan, removed: set[str], v: str) -> bool:
        subs = plan.by_id()
        index = PlanIndex.of(plan)
        makers: dict[str, list[str]] = {}
        for s in plan.subtasks:
            for token in provides(s, lookup):
                makers.setdefault(token, []).append(s.id)
        memo: dict[str, bool] = {}

        def ok(sid: str, path: frozenset[str]) -> bool:
            if sid in memo:
                return memo[sid]
            if sid in removed or sid in path:
                return False
            good = all(
                not makers.get(t) or any(ok(m, path | {sid}) for m in makers[t] if m != sid)
                for t in requires(subs[sid], lookup, index))
            memo[sid] = good
            return good

        return v in subs and ok(v, frozenset())

    return can_complete


class Interventional:
    """do(u not done): `can_complete(plan, removed, v)` runs the plan in a simulator with
    the subtasks in `removed` never done and says whether v can still complete. ATE_e is
    1 when v cannot (v needs u), else 0. No rule is tried (`rules` is empty)."""

    name = "sim"

    def __init__(self, can_complete: CanComplete) -> None:
        self.can_complete = can_complete
        self.runs = 0

    def effects(self, edges: list[Edge], plan: Plan, rules: Rulebook) -> dict[Edge, EdgeEffect]:
        ids = {s.id for s in plan.subtasks}
        out: dict[Edge, EdgeEffect] = {}
        for u, v in edges:
            if u not in ids or v not in ids:
                out[(u, v)] = EdgeEffect(0.0, (), self.name, note="unknown subtask")
                continue
            self.runs += 1
            ok = self.can_complete(plan, {u}, v)
            out[(u, v)] = EdgeEffect(0.0 if ok else 1.0, (), self.name,
                                     note=f"do({u} not done): {v} "
                                          f"{'still completes' if ok else 'cannot complete'}")
        return out


# --- refinement --------------------------------------------------------------------------


@dataclass(frozen=True)
class EdgeVerdict:
    """One edge's record: its ATE, the rules tried, the estimator, and the verdict.
    `origin` is "prior" for an edge of the initial graph, "repair" for an added one."""

    u: str
    v: str
    ate: float | None
    rules: tuple[str, ...]
    estimator: str
    kept: bool
    origin: str = "prior"
    spread: float = 0.0
    note: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"u": self.u, "v": self.v, "ate": self.ate, "rules": list(self.rules),
                "estimator": self.estimator, "kept": self.kept, "origin": self.origin,
                "spread": self.spread, "note": self.note}


@dataclass
class Refinement:
    """What refinement did: the refined DAG (edge attributes `ate`, `kept`, `origin`) and a
    verdict per edge tried, in edge order."""

    graph: nx.DiGraph
    verdicts: list[EdgeVerdict]
    tau: float
    estimator: str
    repair: bool
    problems: list[str] = field(default_factory=list)

    @property
    def pruned(self) -> list[Edge]:
        return [(e.u, e.v) for e in self.verdicts if e.origin == "prior" and not e.kept]

    @property
    def added(self) -> list[Edge]:
        return [(e.u, e.v) for e in self.verdicts if e.origin == "repair" and e.kept]

    def verdict(self, u: str, v: str) -> EdgeVerdict:
        for e in self.verdicts:
            if (e.u, e.v) == (u, v):
                return e
        raise KeyError(f"no verdict on edge {u} -> {v}")

    def record(self) -> dict[str, object]:
        """The JSON-ready record for an episode result's `graph`."""
        return {"estimator": self.estimator, "tau": self.tau, "repair": self.repair,
                "nodes": sorted(self.graph.nodes), "edges": sorted(map(list, self.graph.edges)),
                "verdicts": [e.as_dict() for e in self.verdicts], "problems": self.problems}


def refine(graph: nx.DiGraph, plan: Plan, rules: Rulebook, estimator: Estimator,
           tau: float = 0.0, repair: bool = False) -> Refinement:
    """Prune the edges of `graph` whose estimated ATE is <= tau; with `repair`, add the
    rule-implied edges (`rule_graph`) it lacks, each judged by the rule oracle (kept when
    its ATE > tau and it closes no cycle).

    In: a DAG over the plan's subtasks (extra nodes are kept), the plan, the task's rulebook
    (`planner.decompose.task_rules`), an estimator. Out: a `Refinement`; `graph` is not
    changed.

    Example (a cake task whose prior has a spurious egg -> sugar edge and lacks
    bucket -> milk): `r = refine(prior, plan, rules, RuleOracle(), repair=True)` gives
    `r.pruned == [('fetch:egg', 'craft:sugar')]` (ATE 0) and
    `r.added == [('craft:bucket', 'milk:milk_bucket')]`.
    """
    out = graph.copy()
    for s in plan.subtasks:
        if s.id not in out:
            out.add_node(s.id, seconds=s.seconds)
    edges: list[Edge] = sorted((str(u), str(v)) for u, v in graph.edges)
    effects = estimator.effects(edges, plan, rules)
    verdicts: list[EdgeVerdict] = []
    for u, v in edges:
        eff = effects.get((u, v)) or EdgeEffect(None, (), estimator.name, note="no estimate")
        kept = eff.ate is None or eff.ate > tau
        verdicts.append(EdgeVerdict(u, v, eff.ate, eff.rules, eff.estimator or estimator.name,
                                    kept, "prior", eff.spread, eff.note))
        if kept:
            out.edges[u, v].update(ate=eff.ate, kept=True, origin="prior")
        else:
            out.remove_edge(u, v)
    problems: list[str] = []
    if repair:
        missing = sorted(set(rule_graph(plan, rules).edges) - set(out.edges))
        oracle = RuleOracle()
        judged = oracle.effects(missing, plan, rules)
        for u, v in missing:
            eff = judged[(u, v)]
            ok = eff.ate is not None and eff.ate > tau
            note = eff.note
            if ok and nx.has_path(out, v, u):
                ok, note = False, "would close a cycle with kept edges"
                problems.append(f"repair: {u} -> {v} not added: it would close a cycle")
            verdicts.append(EdgeVerdict(u, v, eff.ate, eff.rules, oracle.name, ok, "repair",
                                        0.0, note))
            if ok:
                out.add_edge(u, v, ate=eff.ate, kept=True, origin="repair")
    return Refinement(out, verdicts, tau, estimator.name, repair, problems)

