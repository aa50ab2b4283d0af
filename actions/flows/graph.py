"""Step graphs of flows: reachability and loops that never wait for an answer."""

from __future__ import annotations

from actions.flows.model import END, CallStep, Flow, LinkStep, SetSlotsStep, Step


def successors(step: Step) -> list[str]:
    """Return the ids of the steps that may run right after ``step``."""
    if isinstance(step, LinkStep):
        return []
    if isinstance(step.next, str):
        targets = [step.next]
    else:
        targets = [branch.target for branch in step.next]
    return [target for target in targets if target != END]


def step_graph(flow: Flow) -> dict[str, list[str]]:
    """Return the flow's steps as adjacency lists of step ids."""
    return {step.id: successors(step) for step in flow.steps.values()}


def unreachable_steps(flow: Flow) -> list[Step]:
    """Return the steps no path from the first step leads to, in file order."""
    seen = reachable(step_graph(flow), flow.first_step)
    return [step for step in flow.steps.values() if step.id not in seen]


def endless_loops(flow: Flow) -> list[list[Step]]:
    """Return loops of steps that can run forever within one turn.

    A loop is safe when it passes a collect step that always waits for an
    answer. A collect step skips itself when its slot is filled, so it waits
    only with ask_before_filling or when a set_slots step on the same loop
    clears its slot.
    """
    graph = step_graph(flow)
    waiting = _waiting_steps(flow, graph)
    remaining = {key: value for key, value in graph.items() if key not in waiting}
    return [[flow.steps[step_id] for step_id in loop] for loop in cycles(remaining)]


def call_loops(flows: dict[str, Flow]) -> list[set[str]]:
    """Return groups of flows that call each other in a loop."""
    graph = {
        flow.id: [
            step.target
            for step in flow.steps.values()
            if isinstance(step, CallStep) and step.target in flows
        ]
        for flow in flows.values()
    }
    return cycles(graph)


def _waiting_steps(flow: Flow, graph: dict[str, list[str]]) -> set[str]:
    loops = cycles(graph)
    waiting: set[str] = set()
    for step in flow.collect_steps():
        if step.ask_before_filling:
            waiting.add(step.id)
            continue
        for loop in loops:
            if step.id in loop and any(
                _clears(flow.steps[other], step.slot) for other in loop
            ):
                waiting.add(step.id)
    return waiting


def _clears(step: Step, slot: str) -> bool:
    return (
        isinstance(step, SetSlotsStep)
        and slot in step.values
        and step.values[slot] is None
    )


def reachable(graph: dict[str, list[str]], start: str) -> set[str]:
    """Return the nodes reachable from ``start``, including it."""
    seen = {start}
    pending = [start]
    while pending:
        node = pending.pop()
        for target in graph.get(node, []):
            if target not in seen:
                seen.add(target)
                pending.append(target)
    return seen


def cycles(graph: dict[str, list[str]]) -> list[set[str]]:
    """Return the strongly connected components that contain a cycle.

    Edges to nodes missing from ``graph`` are ignored. Uses Tarjan's
    algorithm; graphs here are a flow's steps, so recursion depth stays small.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in graph:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] != index[node]:
            return
        component: set[str] = set()
        while True:
            member = stack.pop()
            on_stack.discard(member)
            component.add(member)
            if member == node:
                break
        if len(component) > 1 or node in graph[node]:
            found.append(component)

    for node in graph:
        if node not in index:
            visit(node)
    return found
