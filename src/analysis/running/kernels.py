"""The kernels a run starts: how they are launched, not what they run.

The runner and `make bench`'s floor start their kernels with this one manager, so that the
floor differs from the suite only in the work its notebooks do.
"""
from __future__ import annotations

import os
import sys
import tempfile
import uuid
from pathlib import Path

from . import outdir


def quiet_kernel_manager(log: Path, build: Path | None = None):
    """A kernel manager whose kernels write their stderr to `log`, not to the terminal, and
    learn the run's build folder (outdir.BUILD_ENV) from their environment.

    A kernel's own stderr (library warnings, and now and then a tornado message while the
    kernel shuts down after its notebook has finished) is not the run's message to the user:
    it goes into kernels.log beside run.log. Errors in a notebook still reach the user
    through papermill, with notebook, cell and error.
    """
    from jupyter_client.manager import AsyncKernelManager

    class QuietKernelManager(AsyncKernelManager):
        def __init__(self, **kw):
            super().__init__(**kw)
            if os.name == "posix":
                # Kernels started at the same moment (three in a run, more when runs or tests
                # run side by side) race for TCP ports: jupyter_client picks a free port and
                # lets it go before the kernel binds it ("Address already in use" in
                # kernels.log, and the notebook fails with "Kernel died before replying to
                # kernel_info"). Unix sockets named after this kernel alone cannot collide.
                self.transport = "ipc"
                self.ip = os.path.join(tempfile.gettempdir(), f"analysis-kernel-{uuid.uuid4().hex}")

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            with open(log, "ab") as sink:  # the child keeps its own copy of the descriptor
                kw["stderr"] = sink
                if build is not None:
                    kw["env"] = {**kw.get("env", os.environ), outdir.BUILD_ENV: str(build)}
                return await super()._async_launch_kernel(kernel_cmd, **kw)

    return QuietKernelManager


def interpreter_first_on_path() -> None:
    """Put this interpreter first on PATH, so that kernels find the project's packages."""
    here = str(Path(sys.executable).parent)
    current = os.environ.get("PATH", "")
    if current.split(os.pathsep)[0] != here:
        os.environ["PATH"] = here + os.pathsep + current
