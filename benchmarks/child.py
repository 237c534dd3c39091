"""A contestant in a process of its own, driven over stdin/stdout: one
command per line, one JSON answer per line; it prints ``ready`` once set up."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any, Optional


class Child:
    def __init__(
        self,
        module: str,
        args: list[str],
        *,
        cwd: Path,
        env: Optional[dict[str, str]] = None,
        prefix: Optional[list[str]] = None,
    ) -> None:
        import sys

        self.name = " ".join(args)
        # Not `-m`: Windows' embeddable CPython ignores the working directory
        # and PYTHONPATH (its ._pth file), so the launcher adds the project.
        launch = (
            f"import runpy, sys; sys.path.insert(0, {str(cwd)!r}); "
            f"runpy.run_module({module!r}, run_name='__main__')"
        )
        self.proc = subprocess.Popen(
            [*(prefix or []), sys.executable, "-c", launch, *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        if line != "ready":
            self.close()
            raise RuntimeError(f"{self.name}: did not start (said {line!r})")

    def ask(self, command: str) -> Any:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.name} ended (exit code {self.proc.wait(30)})")
        return json.loads(line)

    def close(self, timeout: float = 30) -> int:
        """Asks it to quit; kills it if it does not. Returns its exit code."""
        if self.proc.poll() is None and self.proc.stdin is not None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.close()
            except OSError:
                pass
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait(timeout)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        return code
