"""The parser's worker processes, children of a fork server (gaodi/core/forkserver.py,
gaodi/core/bounds.py ``run_isolated``): a separate process per file, the caller's environment
and folder, stopped when the caller stops it, and a server that outlives neither its owner nor
its own death."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from gaodi.core import forkserver
from gaodi.core.bounds import run_isolated
from gaodi.core.errors import ValidationError
from gaodi.exchange.reader import read_file, read_file_isolated


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (ended, not yet reaped by the server) counts as ended; so does one reaped while
    # its /proc entry is read (ESRCH or a missing file)
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except (ProcessLookupError, FileNotFoundError):
        return False


def _wait_gone(pid: int, seconds: float = 10) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if not _alive(pid):
            return True
        time.sleep(0.05)
    return False


def test_a_file_reads_the_same_in_the_worker(tmp_path: Path) -> None:
    path = tmp_path / "parks.csv"
    path.write_text("园区名称,级别\n示例园区,provincial\n示例二园,national\n", encoding="utf-8")
    direct, isolated = read_file(path).sheets[0], read_file_isolated(path).sheets[0]
    assert isolated.headers == direct.headers == ["园区名称", "级别"]
    assert isolated.rows == direct.rows == [["示例园区", "provincial"], ["示例二园", "national"]]


def test_every_file_gets_its_own_process_never_the_callers() -> None:
    pids = [run_isolated(os.getpid, name="x") for _ in range(3)]
    assert os.getpid() not in pids and len(set(pids)) == 3
    # all three are children of the one fork server, which is not this process either
    parents = {run_isolated(os.getppid, name="x") for _ in range(3)}
    assert len(parents) == 1 and os.getpid() not in parents


def test_the_worker_sees_the_callers_environment_and_folder_of_the_moment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_isolated(os.getpid, name="x")  # the server exists before the change
    monkeypatch.setenv("GAODI_FORKSERVER_PROBE", "后来设的值")
    monkeypatch.chdir(tmp_path)
    assert run_isolated(os.getenv, "GAODI_FORKSERVER_PROBE", name="x") == "后来设的值"
    assert run_isolated(os.getcwd, name="x") == str(tmp_path)


def test_threads_at_once_each_get_their_answer() -> None:
    answers: dict[int, int] = {}

    def one(n: int) -> None:
        answers[n] = run_isolated(abs, -n, name=f"f{n}")

    threads = [threading.Thread(target=one, args=(n,)) for n in range(1, 7)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == {n: n for n in range(1, 7)}


def test_a_worker_that_dies_is_a_clear_error_and_the_next_file_reads() -> None:
    with pytest.raises(ValidationError) as caught:
        run_isolated(os.abort, name="坏文件.xlsx")  # SIGABRT: no answer at all
    assert "坏文件.xlsx" in caught.value.zh and "memory" in caught.value.en
    assert run_isolated(abs, -5, name="x") == 5


def test_the_memory_limit_holds_in_the_worker() -> None:
    with pytest.raises(ValidationError) as caught:
        run_isolated(bytearray, 3 * 1024**3, name="big.xlsx", memory_mb=512)
    assert "内存" in caught.value.zh
    # the caller allocated nothing of it
    assert run_isolated(len, b"abc", name="x", memory_mb=512) == 3


def test_a_failed_precheck_stops_the_worker_at_once() -> None:
    seen: list[int] = []

    def precheck() -> None:
        # the worker is asleep by now; find it among the server's children
        server = forkserver._SERVER
        assert server is not None
        children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
        seen.extend(int(p) for p in children.read_text().split())
        raise ValidationError("超出上限", "over the bounds")

    start = time.monotonic()
    with pytest.raises(ValidationError, match="over the bounds"):
        run_isolated(time.sleep, 60, name="slow.xlsx", precheck=precheck)
    assert time.monotonic() - start < 30
    assert seen and all(_wait_gone(pid) for pid in seen)


def test_a_dead_server_is_replaced() -> None:
    run_isolated(os.getpid, name="x")
    server = forkserver._SERVER
    assert server is not None
    server.process.kill()
    server.process.wait()
    assert run_isolated(abs, -7, name="x") == 7
    assert forkserver._SERVER is not None and forkserver._SERVER is not server


@pytest.mark.parametrize("ending", ["exit", "os._exit"])
def test_the_server_ends_with_its_owner(ending: str) -> None:
    # os._exit skips atexit: the server must still see its owner's pipe close
    code = (
        "import os, sys\n"
        "from gaodi.core.bounds import run_isolated\n"
        "from gaodi.core import forkserver\n"
        "assert run_isolated(abs, -1, name='x') == 1\n"
        "print(forkserver._SERVER.process.pid, forkserver._SERVER.folder, flush=True)\n"
        + ("sys.exit(0)\n" if ending == "exit" else "os._exit(0)\n")
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    server_pid, folder = out.stdout.split()
    assert _wait_gone(int(server_pid))
    assert not Path(folder).exists()  # its socket's folder is removed too


def test_a_worker_that_dies_before_reading_the_file_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    send = forkserver.Job.send

    def die_then_send(job: forkserver.Job, payload: bytes) -> None:
        job.kill()
        assert _wait_gone(job.pid)
        send(job, payload)  # 20 MB into a closed socket: the pipe breaks

    monkeypatch.setattr(forkserver.Job, "send", die_then_send)
    with pytest.raises(ValidationError) as caught:
        run_isolated(len, b"x" * 20_000_000, name="大文件.xlsx")
    assert "大文件.xlsx" in caught.value.zh
    monkeypatch.setattr(forkserver.Job, "send", send)
    assert run_isolated(len, b"abc", name="x") == 3
