"""Benchmark runnerup against the same job done by hand and by yaml2ics; check the targets.

    python benchmarks/run.py                    # 100, 1,000, 10,000 and 50,000 roles
    python benchmarks/run.py --quick            # 100 and 1,000 roles, one run each
    python benchmarks/run.py --sizes 1000,10000 --repeat 5

Every program runs in its own process, so start-up counts, and its peak memory is the
child's own maximum resident set size (os.wait4), not the largest of all children.
See benchmarks/README.md for the targets and the figures.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1790000000", "TZ": "America/New_York"}
# Start-up is measured as a user has it: byte-compiled modules (pip writes them), not a
# compile of runnerup's sources on every run.
ENV.pop("PYTHONDONTWRITEBYTECODE", None)
EVERYDAY = 1.5  # everyday commands: at most this times `python -c "import yaml, click"`
FLOOR_BUILD = 1.5  # build: at most this times benchmarks/floor.py
FLOOR_CHECK = 1.25  # check: at most this times a bare CSafeLoader load, gc paused
FLOOR_MEMORY = 1.2  # peak memory of build and rebuilds at 50,000 roles, times the floor's
BARE_LOAD = (
    "import gc, sys, yaml; gc.disable(); "
    "yaml.load(open(sys.argv[1], 'rb'), Loader=yaml.CSafeLoader)"
)
TODAY = "2026-11-29"
LINEAR = 1.15  # the most a log-log slope may be and still count as linear growth


CPU = {"on": False}  # --cpu: user + system time of the child instead of wall time


@dataclass
class Run:
    seconds: float
    mb: float


def measure(cmd: list[str], stdout: Path | None = None) -> Run:
    """Run `cmd` once: wall time, and the peak RSS of that child alone.

    Linux carries a process's peak RSS across exec, so a child starts from this
    process's size: run.py stays small (files are generated in subprocesses) so that
    every figure is the measured program's own."""
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL  # noqa: SIM115
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, env=ENV)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if stdout:
            out.close()  # type: ignore[union-attr]
    if proc.returncode not in (0, 1):  # check exits 1 on errors only; 1 is still a result
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}")
    if CPU["on"]:  # less disturbed than wall time on a machine others are using
        seconds = usage.ru_utime + usage.ru_stime
    return Run(seconds, usage.ru_maxrss / 1024)


def best(cmd: list[str], repeat: int, stdout: Path | None = None, before=None) -> Run:
    """The fastest of `repeat` runs (the least disturbed by the rest of the machine)."""
    runs = []
    for _ in range(repeat):
        if before:
            before()
        runs.append(measure(cmd, stdout))
    return min(runs, key=lambda r: r.seconds)


def runnerup_command(given: str | None) -> list[str]:
    if given:
        return given.split()
    beside = Path(sys.executable).with_name("runnerup")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("runnerup")
    return [found] if found else [sys.executable, "-m", "runnerup.cli"]


def yaml2ics_command(given: str | None) -> list[str] | None:
    """yaml2ics if this interpreter can import it, else a `yaml2ics` script; or None."""
    if given:
        return given.split()
    if importlib.util.find_spec("yaml2ics"):
        return [sys.executable, "-m", "yaml2ics"]
    found = shutil.which("yaml2ics")
    return [found] if found else None


def generate(path: Path, *args: str) -> None:
    """benchmarks/gen.py in a subprocess (see `measure` for why not in this one)."""
    with open(path, "wb") as out:
        subprocess.run([sys.executable, str(HERE / "gen.py"), *args], stdout=out, check=True)


def slope(sizes: list[int], seconds: list[float]) -> float | None:
    """Least-squares slope of log(time) on log(size): 1.0 is linear, 2.0 quadratic."""
    if len(sizes) < 2:
        return None
    xs, ys = [math.log(s) for s in sizes], [math.log(t) for t in seconds]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den if den else None


def fmt_ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000,50000", help="role counts")
    parser.add_argument("--quick", action="store_true", help="100 and 1,000 roles, one run")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (best kept)")
    parser.add_argument("--runnerup", help="command for runnerup (default: beside python)")
    parser.add_argument("--yaml2ics", help="command for yaml2ics (default: if importable)")
    parser.add_argument("--yaml2ics-max", type=int, default=50000, help="largest size for it")
    parser.add_argument("--workdir", type=Path, help="keep the generated files here")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--cpu", action="store_true", help="time by the child's CPU time, not wall time"
    )
    args = parser.parse_args()
    CPU["on"] = args.cpu
    sizes = [100, 1000] if args.quick else [int(s) for s in args.sizes.split(",")]
    repeat = 1 if args.quick else args.repeat
    work = args.workdir or Path(tempfile.mkdtemp(prefix="runnerup-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    ENV["XDG_CACHE_HOME"] = str(work / "cache")  # runnerup's holiday cache: not the user's
    runnerup = runnerup_command(args.runnerup)
    yaml2ics = yaml2ics_command(args.yaml2ics)
    python = [sys.executable]
    results: dict[str, object] = {
        "python": platform.python_version(),
        "cores": os.cpu_count(),
        "runnerup": " ".join(runnerup),
    }
    print(f"python {platform.python_version()}, {os.cpu_count()} cores; runnerup: {runnerup[0]}")
    print(f"yaml2ics: {' '.join(yaml2ics) if yaml2ics else 'not installed (skipped)'}")
    print(f"files in {work}\n")

    # ------------------------------------------------------------------ build
    rows = []
    print(f"build (best of {repeat}; peak RSS of the process)")
    print(
        f"{'roles':>7} {'events':>7} | {'runnerup':>16} | {'naive':>16} | {'yaml2ics':>16}"
        f" | {'ru/naive':>8} {'y2i/ru':>7}"
    )
    for n in sizes:
        config = work / f"roles-{n}.yaml"
        generate(config, str(n))
        out = work / f"roles-{n}.ics"

        def fresh(out: Path = out) -> None:
            out.unlink(missing_ok=True)

        reps = repeat if n <= 10000 else 1  # one run of each at 50,000: minutes, not seconds
        ru = best([*runnerup, "build", str(config), "-o", str(out)], reps, before=fresh)
        events = out.read_bytes().count(b"BEGIN:VEVENT")
        nv = best(
            [*python, str(HERE / "naive.py"), str(config), str(work / f"naive-{n}.ics")], reps
        )
        y2 = None
        if yaml2ics and n <= args.yaml2ics_max:
            events_file = work / f"yaml2ics-{n}.yaml"
            generate(events_file, str(n), "--yaml2ics")
            y2 = best([*yaml2ics, str(events_file)], reps, stdout=work / f"yaml2ics-{n}.ics")
        rows.append({"roles": n, "events": events, "runnerup": ru, "naive": nv, "yaml2ics": y2})
        y2_text = f"{y2.seconds:7.2f}s {y2.mb:6.0f}MB" if y2 else f"{'-':>16}"
        print(
            f"{n:>7} {events:>7} | {ru.seconds:7.2f}s {ru.mb:6.0f}MB | "
            f"{nv.seconds:7.2f}s {nv.mb:6.0f}MB | {y2_text} | "
            f"{fmt_ratio(ru.seconds, nv.seconds):>8} "
            f"{fmt_ratio(y2.seconds, ru.seconds) if y2 else '-':>7}",
            flush=True,
        )
    results["build"] = [
        {
            "roles": r["roles"],
            "events": r["events"],
            **{
                tool: (vars(r[tool]) if r[tool] else None)
                for tool in ("runnerup", "naive", "yaml2ics")
            },
        }
        for r in rows
    ]

    # ------------------------------------------------------------------ growth
    print("\ngrowth: time × per 10× roles, and the log-log slope from 1,000 roles up")
    growth: dict[str, object] = {}
    for tool in ("runnerup", "naive", "yaml2ics"):
        have = [r for r in rows if r[tool]]
        steps = [
            f"{a['roles']}→{b['roles']}: "
            f"{b[tool].seconds / a[tool].seconds:.1f}× for {b['roles'] / a['roles']:.0f}×"
            for a, b in itertools.pairwise(have)
        ]
        big = [r for r in have if r["roles"] >= 1000]
        fit = slope([r["roles"] for r in big], [r[tool].seconds for r in big])
        verdict = "" if fit is None else ("linear" if fit <= LINEAR else "WORSE THAN LINEAR")
        fit_text = f"slope {fit:.2f} ({verdict})" if fit is not None else "slope -"
        print(f"  {tool:9} {fit_text}; " + "; ".join(steps))
        growth[tool] = fit
    results["growth_slope"] = growth

    # ------------------------------------------------------------------ rebuild
    ten = max((n for n in sizes if n <= 10000), default=sizes[0])
    config, out = work / f"roles-{ten}.yaml", work / f"roles-{ten}.ics"
    fresh_run = best(
        [*runnerup, "build", str(config), "-o", str(out)],
        repeat,
        before=lambda: out.unlink(missing_ok=True),
    )
    measure([*runnerup, "build", str(config), "-o", str(out)])  # make sure it exists
    rebuild = best([*runnerup, "build", str(config), "-o", str(out)], repeat)
    print(
        f"\nrebuild over an existing output, {ten:,} roles: {rebuild.seconds:.2f}s "
        f"{rebuild.mb:.0f}MB vs fresh {fresh_run.seconds:.2f}s {fresh_run.mb:.0f}MB "
        f"({fmt_ratio(rebuild.seconds, fresh_run.seconds)})"
    )
    results["rebuild"] = {"roles": ten, "rebuild": vars(rebuild), "fresh": vars(fresh_run)}

    # ------------------------------------------------------------------ with a log
    # Issue 9: the same roles, each with 5 contacts in its `log:` (retries, conversations,
    # `next` touchpoints, a few roles ended), must build within the same targets.
    logged_config, logged_out = work / f"logged-{ten}.yaml", work / f"logged-{ten}.ics"
    generate(logged_config, str(ten), "--log", "5")
    logged = best(
        [*runnerup, "build", str(logged_config), "-o", str(logged_out)],
        repeat,
        before=lambda: logged_out.unlink(missing_ok=True),
    )
    print(
        f"build with 5 log entries a role, {ten:,} roles: {logged.seconds:.2f}s "
        f"{logged.mb:.0f}MB vs without {fresh_run.seconds:.2f}s {fresh_run.mb:.0f}MB "
        f"({fmt_ratio(logged.seconds, fresh_run.seconds)})"
    )
    results["logged"] = {"roles": ten, "entries": 5, **vars(logged)}

    # ------------------------------------------------------------------ check
    check = best([*runnerup, "check", str(config), "--today", TODAY], repeat)
    print(f"check, {ten:,} roles: {check.seconds:.2f}s {check.mb:.0f}MB")
    results["check"] = {"roles": ten, **vars(check)}

    # ------------------------------------------------------------------ the floor
    print("\nthe floor (benchmarks/floor.py; see README): build, rebuilds and check at scale")
    floor_rows = []
    for n in [n for n in sizes if n >= 10000] or [max(sizes)]:
        config, out = work / f"roles-{n}.yaml", work / f"roles-{n}.ics"
        reps = repeat if n <= 10000 else 1
        floor_out = work / f"floor-{n}.ics"
        fl = best([*python, str(HERE / "floor.py"), str(config), str(floor_out)], reps)
        fresh_n = best(
            [*runnerup, "build", str(config), "-o", str(out)],
            reps,
            before=lambda out=out: out.unlink(missing_ok=True),
        )
        same = out.read_bytes() == floor_out.read_bytes()
        kept = work / f"roles-{n}.kept.ics"
        shutil.copyfile(out, kept)
        unchanged = best([*runnerup, "build", str(config), "-o", str(out)], reps)
        # One change: the first role (its id is pinned) heard a day later.
        text = config.read_text(encoding="utf-8")
        decided = text.index("    decided: ")
        day = text[decided + 13 : decided + 23]
        edited = work / f"roles-{n}.edited.yaml"
        later = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
        edited.write_text(text[: decided + 13] + later + text[decided + 23 :], encoding="utf-8")
        changed = best(
            [*runnerup, "build", str(edited), "-o", str(out)],
            reps,
            before=lambda kept=kept, out=out: shutil.copyfile(kept, out),
        )
        check_n = best([*runnerup, "check", str(config), "--today", TODAY], reps)
        load = best([*python, "-c", BARE_LOAD, str(config)], reps)
        row = {
            "roles": n,
            "same_bytes": same,
            **{
                name: vars(run)
                for name, run in (
                    ("floor", fl),
                    ("build", fresh_n),
                    ("unchanged", unchanged),
                    ("changed", changed),
                    ("check", check_n),
                    ("load", load),
                )
            },
        }
        floor_rows.append(row)
        print(
            f"  {n:>6} roles: floor {fl.seconds:6.2f}s {fl.mb:5.0f}MB | build "
            f"{fresh_n.seconds:6.2f}s {fresh_n.mb:5.0f}MB "
            f"({fmt_ratio(fresh_n.seconds, fl.seconds)}, memory "
            f"{fmt_ratio(fresh_n.mb, fl.mb)}){'' if same else ' OUTPUT DIFFERS FROM THE FLOOR'}\n"
            f"                unchanged rebuild {unchanged.seconds:6.2f}s {unchanged.mb:5.0f}MB "
            f"({fmt_ratio(unchanged.seconds, fresh_n.seconds)} fresh) | one change "
            f"{changed.seconds:6.2f}s {changed.mb:5.0f}MB "
            f"({fmt_ratio(changed.seconds, fresh_n.seconds)} fresh)\n"
            f"                check {check_n.seconds:6.2f}s {check_n.mb:5.0f}MB | bare CSafeLoader "
            f"load {load.seconds:6.2f}s {load.mb:5.0f}MB "
            f"({fmt_ratio(check_n.seconds, load.seconds)})",
            flush=True,
        )
    results["floor"] = floor_rows

    # ------------------------------------------------------------------ everyday
    print("\neveryday commands on sample_config.yaml (best of 15, warm holiday cache)")
    sample = HERE.parent / "sample_config.yaml"
    everyday: dict[str, float] = {}
    bare = best([*python, "-c", "import yaml, click"], 15).seconds
    for name, command in (
        ("build", ["build", str(sample), "-o", str(work / "sample.ics")]),
        ("check", ["check", str(sample)]),
        ("agenda", ["agenda", str(sample)]),
    ):
        took = best([*runnerup, *command], 15).seconds
        everyday[name] = took / bare
        print(
            f"  {name:7} {took * 1000:5.0f} ms, python -c 'import yaml, click' "
            f"{bare * 1000:5.0f} ms ({fmt_ratio(took, bare)})"
        )
    results["everyday_ratio"] = everyday

    # ------------------------------------------------------------------ start-up
    print("\nstart-up (best of 15)")
    startup: dict[str, float] = {}
    hello = [*python, str(HERE / "hello.py")]
    for flag in ("--version", "--help"):
        ru_s = best([*runnerup, flag], 15).seconds
        hi_s = best([*hello, flag], 15).seconds
        startup[flag] = ru_s / hi_s
        print(
            f"  {flag:10} runnerup {ru_s * 1000:5.0f} ms, click hello-world {hi_s * 1000:5.0f} ms"
            f" ({fmt_ratio(ru_s, hi_s)})"
        )
    results["startup_ratio"] = startup

    # ------------------------------------------------------------------ targets
    print("\ntargets")
    at = {r["roles"]: r for r in rows}
    checks: list[tuple[str, bool | None, str]] = []
    if 10000 in at:
        r = at[10000]
        ratio = r["runnerup"].seconds / r["naive"].seconds
        checks.append(("build 10,000 ≤ 1.5× naive", ratio <= 1.5, f"{ratio:.2f}×"))
        if r["yaml2ics"]:
            speed = r["yaml2ics"].seconds / r["runnerup"].seconds
            checks.append(("build 10,000 ≥ 4× faster than yaml2ics", speed >= 4, f"{speed:.1f}×"))
        else:
            checks.append(("build 10,000 ≥ 4× faster than yaml2ics", None, "yaml2ics skipped"))
        mb = r["runnerup"].mb
        checks.append(("peak memory 10,000 ≤ 300 MB", mb <= 300, f"{mb:.0f} MB"))
        checks.append(("check 10,000 ≤ 1 s", check.seconds <= 1, f"{check.seconds:.2f}s"))
        ratio = logged.seconds / r["naive"].seconds
        checks.append(("build 10,000 with logs ≤ 1.5× naive", ratio <= 1.5, f"{ratio:.2f}×"))
        checks.append(
            ("peak memory 10,000 with logs ≤ 300 MB", logged.mb <= 300, f"{logged.mb:.0f} MB")
        )
    else:
        checks.append(("the 10,000-role targets", None, "10000 not in --sizes"))
    for flag, ratio in startup.items():
        checks.append((f"{flag} ≤ 1.5× click hello-world", ratio <= 1.5, f"{ratio:.2f}×"))
    for name, ratio in everyday.items():
        checks.append(
            (f"{name} (sample) ≤ {EVERYDAY}× yaml+click", ratio <= EVERYDAY, f"{ratio:.2f}×")
        )
    for row in floor_rows:
        n, f = row["roles"], row["floor"]
        b, u, c = row["build"], row["unchanged"], row["changed"]
        ratio = b["seconds"] / f["seconds"]
        checks.append(
            (f"build {n:,} ≤ {FLOOR_BUILD}× the floor", ratio <= FLOOR_BUILD, f"{ratio:.2f}×")
        )
        ratio = row["check"]["seconds"] / row["load"]["seconds"]
        checks.append(
            (f"check {n:,} ≤ {FLOOR_CHECK}× bare load", ratio <= FLOOR_CHECK, f"{ratio:.2f}×")
        )
        ratio = u["seconds"] / b["seconds"]
        checks.append((f"unchanged rebuild {n:,} ≤ 1.0× fresh", ratio <= 1.0, f"{ratio:.2f}×"))
        ratio = c["seconds"] / b["seconds"]
        checks.append((f"one-change rebuild {n:,} ≤ 1.1× fresh", ratio <= 1.1, f"{ratio:.2f}×"))
        checks.append((f"build {n:,} writes the floor's bytes", row["same_bytes"], ""))
        if n >= 50000:
            for name, run in (("build", b), ("unchanged rebuild", u), ("one-change rebuild", c)):
                ratio = run["mb"] / f["mb"]
                checks.append(
                    (
                        f"{name} {n:,} memory ≤ {FLOOR_MEMORY}× floor",
                        ratio <= FLOOR_MEMORY,
                        f"{ratio:.2f}×",
                    )
                )
    rb = rebuild.seconds / fresh_run.seconds
    # "no slower": within the noise of a few percent between best-of runs
    checks.append(("rebuild no slower than fresh", rb <= 1.05, f"{rb:.2f}×"))
    if growth["runnerup"] is not None:
        checks.append(
            (
                "build grows linearly",
                growth["runnerup"] <= LINEAR,
                f"slope {growth['runnerup']:.2f}",
            )
        )
    for name, ok, value in checks:
        mark = "skip" if ok is None else ("PASS" if ok else "FAIL")
        print(f"  {mark:4}  {name:46} {value}")
    results["targets"] = [{"target": n, "ok": ok, "value": v} for n, ok, v in checks]
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
