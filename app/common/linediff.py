"""A line diff whose cost is bounded, whatever the texts.

difflib.ndiff recurses once per line of a run of equal lines (RecursionError on 500 identical
lines) and its matching is quadratic (12 s for two 170 KB verbali). Here: the common first and
last lines are dropped in linear time, then Myers' O((N+M)·D) algorithm runs on what is left
with a budget of steps; past the budget the answer is "too many differences" (None), and the
page says so instead of computing for seconds. Unchanged lines far from any change are
collapsed to a count, so the answer's length is bounded by the changes, not by the text.
"""

# Myers' steps (diagonals tried plus lines compared along them) before giving up: a few tens
# of ms of pure Python at most (bench/diff_bench.py).
MAX_STEPS = 100_000
# Changed lines (added plus removed) past which a diff is no longer readable anyway.
MAX_CHANGES = 2_000
# Unchanged lines kept around each change.
CONTEXT = 3


def _edit_script(a: list[int], b: list[int]) -> list[tuple[str, int, int]] | None:
    """Myers' greedy diff of two sequences of ints: ("same"|"removed"|"added", i, j) in order,
    or None when it needs more than MAX_STEPS steps or MAX_CHANGES changes."""
    n, m = len(a), len(b)
    if n == 0 or m == 0:
        if n + m > MAX_CHANGES:
            return None
        return [("removed", i, 0) for i in range(n)] + [("added", 0, j) for j in range(m)]
    limit = min(n + m, MAX_CHANGES)
    offset = limit + 1  # v[offset + k]: the furthest x reached on diagonal k
    v = [0] * (2 * limit + 3)
    trace = []
    steps = 0
    for d in range(limit + 1):
        trace.append(v[offset - d : offset + d + 1])  # before round d, diagonals -d..d
        for k in range(-d, d + 1, 2):
            if k == -d or (k != d and v[offset + k - 1] < v[offset + k + 1]):
                x = v[offset + k + 1]
            else:
                x = v[offset + k - 1] + 1
            y = x - k
            start = x
            while x < n and y < m and a[x] == b[y]:
                x += 1
                y += 1
            steps += 2 + x - start  # the diagonal, its lines compared, its share of the trace
            if steps > MAX_STEPS:
                return None
            v[offset + k] = x
            if x >= n and y >= m:
                return _backtrack(trace, n, m, d)
    return None


def _backtrack(trace: list[list[int]], n: int, m: int, d_end: int) -> list[tuple[str, int, int]]:
    """Walk back from (n, m): trace[d][d + k] is the furthest x on diagonal k before round d."""
    script = []
    x, y = n, m
    for d in range(d_end, 0, -1):
        v = trace[d]
        k = x - y
        prev_k = k + 1 if k == -d or (k != d and v[d + k - 1] < v[d + k + 1]) else k - 1
        prev_x = v[d + prev_k]
        prev_y = prev_x - prev_k
        while x > prev_x and y > prev_y:
            x, y = x - 1, y - 1
            script.append(("same", x, y))
        if x == prev_x:
            script.append(("added", x, prev_y))
        else:
            script.append(("removed", prev_x, y))
        x, y = prev_x, prev_y
    while x > 0 and y > 0:
        x, y = x - 1, y - 1
        script.append(("same", x, y))
    script.reverse()
    return script


def diff(old: str, new: str, context: int = CONTEXT) -> list[tuple[str, str]] | None:
    """(kind, line) with kind "same", "added", "removed", or "skipped" (line: how many unchanged
    lines are left out, as a string); None when the texts differ too much to show."""
    a, b = old.splitlines(), new.splitlines()
    start = 0
    while start < len(a) and start < len(b) and a[start] == b[start]:
        start += 1
    end_a, end_b = len(a), len(b)
    while end_a > start and end_b > start and a[end_a - 1] == b[end_b - 1]:
        end_a, end_b = end_a - 1, end_b - 1
    ids: dict[str, int] = {}
    mid_a = [ids.setdefault(line, len(ids)) for line in a[start:end_a]]
    mid_b = [ids.setdefault(line, len(ids)) for line in b[start:end_b]]
    script = _edit_script(mid_a, mid_b)
    if script is None:
        return None
    rows = [("same", line) for line in a[:start]]
    for kind, i, j in script:
        rows.append((kind, b[start + j] if kind == "added" else a[start + i]))
    rows += [("same", line) for line in a[end_a:]]
    return _collapse(rows, context)


def _collapse(rows: list[tuple[str, str]], context: int) -> list[tuple[str, str]]:
    """Keep `context` unchanged lines around each change; the others become one "skipped" row."""
    changed = [i for i, (kind, _) in enumerate(rows) if kind != "same"]
    if not changed:
        return []
    keep = [False] * len(rows)
    for i in changed:
        for j in range(max(0, i - context), min(len(rows), i + context + 1)):
            keep[j] = True
    out: list[tuple[str, str]] = []
    skipped = 0
    for i, row in enumerate(rows):
        if keep[i]:
            if skipped:
                out.append(("skipped", str(skipped)))
                skipped = 0
            out.append(row)
        else:
            skipped += 1
    if skipped:
        out.append(("skipped", str(skipped)))
    return out
