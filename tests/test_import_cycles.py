"""No import cycles among the modules of the shared layer and compliance.

The graph is read with ``ast`` (tests/module_imports.py): module-level and function-level imports alike
(an import inside a function only hides a cycle until someone moves it to the top), relative imports
resolved, ``from pkg import mod`` meaning the submodule. Migrations and tests are left out. A cycle is a
strongly connected component of more than one module; the only ones allowed are listed in
``ALLOWED_CYCLES``, each with its reason.
"""

from collections import defaultdict, deque

from tests.module_imports import imports_of, module_name, python_files

PACKAGES = ("schools", "portal", "accounts", "compliance")
EXCLUDED_DIRS = ("migrations", "tests")

# Cycles allowed on purpose: only "a model module and its own queryset module", each with its reason.
ALLOWED_CYCLES: dict[frozenset, str] = {
    # The organisation's models are built on ScopedQuerySet (module level), and for_user reads the
    # Membership, School and District rows (inside its functions): the scope is the models' own queryset.
    frozenset({"schools.models", "portal.scope"}): "schools' models and their queryset module (for_user)",
}
# Found when this test was written (2026-11-29) and fixed since: each "services enqueue their own task" pair
# (portal.notifications <-> portal.tasks, compliance.services <-> compliance.tasks). Services now publish
# their tasks by name through portal.broker.publish, so a tasks module may import its services freely.


def import_graph() -> dict[str, set[str]]:
    """module -> the modules of PACKAGES it imports (anything else, Django or drills, is left out here)."""
    files = [path for package in PACKAGES for path in python_files(package, exclude_dirs=EXCLUDED_DIRS)]
    modules = {module_name(path) for path in files}
    graph = {name: set() for name in modules}
    for path in files:
        source = module_name(path)
        for imp in imports_of(path):
            target = imp.module
            while target and target not in modules:  # "schools.models.User" style leftovers: nearest module
                target = target.rpartition(".")[0]
            if target and target != source:
                graph[source].add(target)
    return graph


def strongly_connected_components(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iteratively (no recursion limit to worry about)."""
    index, low, on_stack, stack, components = {}, {}, set(), [], []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                components.append(component)
    return components


def cycles(graph) -> list[set[str]]:
    return [c for c in strongly_connected_components(graph) if len(c) > 1]


def shortest_cycle(graph, component: set[str]) -> list[str]:
    """One shortest cycle inside a component, as a path that returns to its start (for the message)."""
    best = None
    for start in sorted(component):
        parent, queue, last = {start: None}, deque([start]), None
        while queue and last is None:
            node = queue.popleft()
            for nxt in sorted(graph[node] & component):
                if nxt == start:
                    last = node
                    break
                if nxt not in parent:
                    parent[nxt] = node
                    queue.append(nxt)
        if last is None:
            continue
        back = []
        while last != start:
            back.append(last)
            last = parent[last]
        path = [start, *reversed(back)]
        if best is None or len(path) + 1 < len(best):
            best = [*path, start]
    return best or sorted(component)


def where_imported(source: str, target: str) -> str:
    """file:line of the imports of ``target`` in ``source`` (for the message)."""
    for package in PACKAGES:
        for path in python_files(package, exclude_dirs=EXCLUDED_DIRS):
            if module_name(path) == source:
                lines = [imp.line for imp in imports_of(path)
                         if imp.module == target or imp.module.startswith(target + ".")]
                return f"{path.name}:{','.join(map(str, lines))}"
    return "?"


def describe(graph, component) -> str:
    path = shortest_cycle(graph, component)
    steps = " -> ".join(path)
    hops = "; ".join(f"{a} imports {b} ({where_imported(a, b)})" for a, b in zip(path, path[1:], strict=False))
    return f"{sorted(component)}\n    e.g. {steps}\n    {hops}"


# --- Tests ----------------------------------------------------------------------------------------------


def test_the_graph_covers_the_shared_modules():
    graph = import_graph()
    assert {"schools.models", "portal.scope", "portal.registry", "accounts.views_people", "compliance.views"} <= set(
        graph)
    assert not [m for m in graph if ".migrations" in m]
    assert "portal.permissions" in graph["portal.scope"]  # a plain "from portal import permissions"


def test_no_import_cycles_in_the_shared_layer():
    graph = import_graph()
    found = [c for c in cycles(graph) if frozenset(c) not in ALLOWED_CYCLES]
    assert not found, (f"{len(found)} import cycle(s) among the shared modules (break them, or add a model module "
                       "and its own queryset module to ALLOWED_CYCLES with the reason):\n"
                       + "\n".join(describe(graph, c) for c in found))


def test_the_allowed_cycles_are_real_and_are_model_queryset_pairs():
    graph = import_graph()
    real = {frozenset(c) for c in cycles(graph)}
    stale = [sorted(pair) for pair in ALLOWED_CYCLES if pair not in real]
    assert not stale, f"ALLOWED_CYCLES lists cycles that no longer exist; drop them: {stale}"
    assert all(len(pair) == 2 for pair in ALLOWED_CYCLES)


def test_the_cycle_finder_finds_cycles_and_only_cycles():
    graph = defaultdict(set, {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": {"e"}, "e": set(), "f": {"f"}})
    graph = dict(graph)
    assert cycles(graph) == [{"a", "b", "c"}]
    assert shortest_cycle(graph, {"a", "b", "c"}) == ["a", "b", "c", "a"]
    graph["e"] = {"d"}
    assert sorted(map(sorted, cycles(graph))) == [["a", "b", "c"], ["d", "e"]]


def test_a_cycle_through_a_function_level_import_is_found(monkeypatch, tmp_path):
    (tmp_path / "portal").mkdir()
    (tmp_path / "portal" / "__init__.py").write_text("")
    (tmp_path / "portal" / "outbox.py").write_text("def send():\n    from portal import jobs\n    return jobs\n")
    (tmp_path / "portal" / "jobs.py").write_text("from . import outbox\n")
    (tmp_path / "portal" / "other.py").write_text("from portal.outbox import send\n")
    monkeypatch.setattr("tests.module_imports.ROOT", tmp_path)
    graph = import_graph()
    assert graph == {"portal": set(), "portal.outbox": {"portal.jobs"}, "portal.jobs": {"portal.outbox"},
                     "portal.other": {"portal.outbox"}}
    assert cycles(graph) == [{"portal.outbox", "portal.jobs"}]
