"""The kernels nbval starts for the notebook checks (conftest.py): local sockets, a second chance."""
import nbval.kernel
import nbval.plugin

import conftest


def test_notebook_kernels_talk_over_local_sockets():
    """No TCP port that two test workers starting kernels at once could both take."""
    kernel = nbval.plugin.RunningKernel(nbval.kernel.CURRENT_ENV_KERNEL_NAME)
    try:
        assert kernel.km.transport == "ipc"
        assert kernel.km.ip.startswith(str(conftest.SOCKETS))
        assert kernel.kc.execute_interactive("1 + 1", timeout=30)["content"]["status"] == "ok"
    finally:
        kernel.stop()


def test_a_kernel_that_dies_at_start_is_started_again(monkeypatch, capsys):
    starts = []

    def dies_the_first_time(**options):
        starts.append(options)
        if len(starts) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        return start(**options)

    start = nbval.kernel.start_new_kernel
    monkeypatch.setattr(nbval.kernel, "start_new_kernel", dies_the_first_time)
    kernel = nbval.plugin.RunningKernel(nbval.kernel.CURRENT_ENV_KERNEL_NAME)
    kernel.stop()
    assert len(starts) == 2
    assert "starting it once more" in capsys.readouterr().err
