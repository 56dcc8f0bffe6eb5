"""The kernels a run starts: how they are launched and ended, not what they run.

The runner and `make bench`'s floor execute their notebooks with these options
(`papermill_options`), so that the floor differs from the suite only in the work its
notebooks do.
"""
from __future__ import annotations

import os
import sys
import tempfile
import uuid
from pathlib import Path

from . import outdir


HEAP_EXTENSION = "analysis.running.kernel_heap"  # loaded into every kernel (kernel_heap.py says why)


def papermill_options(log: Path, build: Path | None = None) -> dict:
    """How papermill executes a notebook of a run: keyword arguments of
    `papermill.execute_notebook`, beside the notebook, its output path and its parameters.

    * no progress bar, no cell output in the log, and the notebook written once at the end
      rather than after every cell: the runner says what happens, one line per notebook;
    * the kernel is ended at once after the last cell (`shutdown_kernel="immediate"`)
      instead of being asked to clean up: by then every output is in the notebook and every
      file the notebook writes is closed. A kernel asked to clean up took 0,6 to 1,4 s to
      exit (its whole heap collected and torn down), and now and then hung in ipykernel's
      own shutdown (its control thread waiting to flush on an IOPub thread already stopped)
      until jupyter_client sent SIGTERM after 2,5 s;
    * its kernels from `quiet_kernel_manager`.
    """
    return {"kernel_name": "python3", "progress_bar": False, "log_output": False,
            "request_save_on_cell_execute": False, "shutdown_kernel": "immediate",
            "kernel_manager_class": quiet_kernel_manager(log, build)}


def quiet_kernel_manager(log: Path, build: Path | None = None):
    """A kernel manager whose kernels write their stderr to `log`, not to the terminal,
    learn the run's build folder (outdir.BUILD_ENV) from their environment, and load
    kernel_heap (what survives a cell is frozen out of the garbage collector's sight).

    A kernel's own stderr (library warnings, and now and then a tornado message while the
    kernel shuts down after its notebook has finished) is not the run's message to the user:
    it goes into kernels.log beside run.log. Errors in a notebook still reach the user
    through papermill, with notebook, cell and error.
    """
    from jupyter_client.manager import AsyncKernelManager

    class QuietKernelManager(AsyncKernelManager):
        def __init__(self, **kw):
            super().__init__(**kw)
            socket = unix_socket_base()
            if socket is not None:
                self.transport, self.ip = "ipc", socket

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            kernel_cmd = [*kernel_cmd, f"--ext={HEAP_EXTENSION}"]
            with open(log, "ab") as sink:  # the child keeps its own copy of the descriptor
                kw["stderr"] = sink
                if build is not None:
                    kw["env"] = {**kw.get("env", os.environ), outdir.BUILD_ENV: str(build)}
                return await super()._async_launch_kernel(kernel_cmd, **kw)

    return QuietKernelManager


# The longest path a Unix socket may have: sun_path holds 104 bytes on macOS and the BSDs (108
# on Linux), its last one the terminating NUL.
SOCKET_PATH_MAX = 103


def unix_socket_base() -> str | None:
    """Where a kernel's Unix sockets go (jupyter_client adds "-1" ... "-5"), or None for TCP.

    Kernels started at the same moment (three in a run, more when runs or tests run side by
    side) race for TCP ports: jupyter_client picks a free port and lets it go before the kernel
    binds it ("Address already in use" in kernels.log, and the notebook fails with "Kernel died
    before replying to kernel_info"). Unix sockets named after this kernel alone cannot collide.
    Under a temporary folder whose path is too long for a socket (a deep TMPDIR; macOS's own
    is half of the limit) no socket can be made, and every notebook failed before its first
    cell (ZMQError "File name too long"); there the kernel gets TCP, and the rare port race,
    rather than certain failure."""
    if os.name != "posix":
        return None
    base = os.path.join(tempfile.gettempdir(), f"analysis-kernel-{uuid.uuid4().hex}")
    return base if len(os.fsencode(base)) + len("-5") <= SOCKET_PATH_MAX else None


def interpreter_first_on_path() -> None:
    """Put this interpreter first on PATH, so that kernels find the project's packages."""
    here = str(Path(sys.executable).parent)
    current = os.environ.get("PATH", "")
    if current.split(os.pathsep)[0] != here:
        os.environ["PATH"] = here + os.pathsep + current
